-- grain: one row per catalogue indicator, with the Eurostat datasets that feed it
with sources as (
    select indicator_code, string_agg(eurostat_dataset || ' [' || dimension_filters || ']', '; '
                                      order by eurostat_dataset) as eurostat
    from indicator_eurostat
    group by indicator_code
),

final as (
    select i.*, s.eurostat
    from indicators as i
    left join sources as s on s.indicator_code = i.code
)

select * from final
order by theme, code
