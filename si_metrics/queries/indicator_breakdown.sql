-- grain: one row per sex and age group (other than the total) for one indicator, area and year
select o.sex, o.age, o.value, o.flag
from observations as o
where o.indicator_code = $indicator
  and o.region_code = $region
  and o.year = $year
  and not (o.sex = 'T' and o.age = 'TOTAL')
  and o.age <> 'UNK'
order by o.sex, o.age
