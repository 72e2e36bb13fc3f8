{#- A1: the key of a loaded payment document, the same text on every engine and in every run:
    the load time in whole microseconds since 1970-01-01 00:00 UTC, the md5 of the
    document's text, and its number among rows equal in both, joined by '-'. -#}
{% macro document_key(loaded_at, document_hash, copy_number) -%}
    {{ return(adapter.dispatch('document_key', 'glofox_analytics')(loaded_at, document_hash, copy_number)) }}
{%- endmacro %}

{% macro default__document_key(loaded_at, document_hash, copy_number) -%}
    cast(cast(extract(epoch from {{ loaded_at }}) * 1000000 as bigint) as text)
    || '-' || {{ document_hash }} || '-' || cast({{ copy_number }} as text)
{%- endmacro %}

{% macro spark__document_key(loaded_at, document_hash, copy_number) -%}
    cast(unix_micros({{ loaded_at }}) as string)
    || '-' || {{ document_hash }} || '-' || cast({{ copy_number }} as string)
{%- endmacro %}
