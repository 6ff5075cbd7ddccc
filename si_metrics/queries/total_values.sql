-- grain: one row per indicator (of $indicators) and year with a total value (sex T, age TOTAL) for one area
-- ($code), every year, newest first: the headline figures pick from these few rows instead of one query each.
-- One area per query: observations are kept in area order, so an equality skips every other area's row groups
-- (an IN list of a district, its parents and the EU spans most of the table, so it would skip almost nothing).
select o.indicator_code, o.region_code, o.year, o.value, o.flag, o.source
from totals as o
where o.region_code = $code
  and o.indicator_code in (select unnest($indicators::varchar[]))
order by o.indicator_code, o.year desc
