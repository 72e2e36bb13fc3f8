{#- 30-day windows shared by the activity metrics (A9, A10) and the experiment outcomes
    (E2-E4), so both use one definition of "30 days" and of "in the window". -#}

{#- A9, E3: the (exclusive) end of the 30-day window that starts at `start_expression`. -#}
{% macro thirty_day_window_end(start_expression) -%}
    {{ dbt.dateadd('day', 30, start_expression) }}
{%- endmacro %}

{#- A4, E3: a timestamp is in a window when start <= timestamp < end (half-open). -#}
{% macro in_half_open_window(timestamp_expression, start_expression, end_expression) -%}
    ({{ timestamp_expression }} >= {{ start_expression }} and {{ timestamp_expression }} < {{ end_expression }})
{%- endmacro %}
