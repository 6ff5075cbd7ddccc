-- grain: one row per year in which the indicator has total values for areas of one level in one country
select o.year, count(*) as areas
from totals as o
join regions as r on r.code = o.region_code
join region_closure as rc on rc.region_code = r.code
where o.indicator_code = $indicator
  and r.level = $level
  and rc.ancestor_code = $country
group by o.year
order by o.year
