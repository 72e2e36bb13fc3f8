{#- L6 / D5: a query listing the time-zone names the engine knows, one column `timezone_id`.
    PostgreSQL lists them in `zone_names`, the source pg_timezone_names (links such as
    Asia/Calcutta included); the caller passes it, so the model shows what it reads. -#}
{% macro known_time_zones(zone_names) -%}
    {{ return(adapter.dispatch('known_time_zones', 'glofox_analytics')(zone_names)) }}
{%- endmacro %}

{% macro default__known_time_zones(zone_names) -%}
    {{ exceptions.raise_compiler_error(
        "known_time_zones() has no variant for the adapter '" ~ adapter.type() ~ "': add a "
        ~ adapter.type() ~ "__known_time_zones macro that selects the zone names as timezone_id."
    ) }}
{%- endmacro %}

{% macro postgres__known_time_zones(zone_names) -%}
    select cast(name as varchar) as timezone_id from {{ zone_names }}
{%- endmacro %}

{#- Spark: the zone names Java knows (java.time.ZoneId.getAvailableZoneIds(), the JVM's
    tz database: what from_utc_timestamp accepts), read through reflect() as the text of a Java
    set, "[Asia/Aden, America/Cuiaba, ...]". Not PostgreSQL's list: Java has e.g. SystemV/AST4,
    PostgreSQL has e.g. EST and posixrules; see the README's Spark section. `zone_names` (a
    PostgreSQL catalogue) is not read on Spark. -#}
{% macro spark__known_time_zones(zone_names) -%}
    select explode(
        split(regexp_extract(reflect('java.time.ZoneId', 'getAvailableZoneIds'), '^\\[(.*)\\]$', 1), ', ')
    ) as timezone_id
{%- endmacro %}
