{#- L11: a LEAD has NULL in every conversion column, and a CLIENT has its conversion event
    (type, id and time not NULL). Fails with every row that breaks either half. -#}
{% test lead_columns_null_when_lead(model, columns, status_column='lead_status') %}

with

checked as (

    select *
    from {{ model }}
    where
        (
            {{ status_column }} = 'LEAD'
            and (
                {%- for column in columns %}
                {{ column }} is not null{% if not loop.last %} or{% endif %}
                {%- endfor %}
            )
        )
        or (
            {{ status_column }} = 'CLIENT'
            and (
                client_conversion_event_type is null
                or client_conversion_event_id is null
                or client_conversion_event_local_created_at is null
            )
        )

)

select * from checked

{% endtest %}
