-- grain: one row per target set for one area
select indicator_code, title_en, title_bg, baseline_year, target_year, target_kind, target_value, unit, source, url
from targets
where region_code = $region
order by target_year, indicator_code
