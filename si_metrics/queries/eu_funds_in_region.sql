-- grain: one row: all EU funds attributed to the municipalities within one area, latest snapshot
select contracted_eur, paid_eur, municipalities, snapshot
from eu_funds_by_area([$region])
where code = $region
