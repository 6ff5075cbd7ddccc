-- grain: one row per beneficiary line of the (partial) Kohesio export in an area and the areas within it, the
-- largest EU contribution first
select k.region_code, k.beneficiary_name, k.beneficiary_name_latin, k.total_budget_eur, k.eu_contribution_eur,
       k.projects, k.snapshot
from kohesio_beneficiaries as k
join region_closure as rc on rc.region_code = k.region_code
where rc.ancestor_code = $region
order by k.eu_contribution_eur desc nulls last, k.source_line
