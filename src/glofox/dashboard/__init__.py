"""The dashboard: a Streamlit app over the marts, run with `glofox dashboard`.

Modules, one job each:
  role.py              the read-only PostgreSQL role the app connects with (created by `make run`)
  server.py            starts Streamlit for `glofox dashboard --port N`
  queries.py           the query layer: parameterised SQL, cached per data version / as-of date
  formatting.py        how numbers are shown (the e2e tests format expected values the same way)
  app.py               the Streamlit entry point: page navigation
  page_lead_conversions.py, page_activity.py, page_experiments.py, page_data_quality.py
                       one module per page

Importing this package does not import Streamlit, so the CLI and `make run` stay light.
"""
