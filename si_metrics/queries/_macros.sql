-- Table macros shared by several named queries; (re)created by si_metrics.store.open_store.
-- project_search_key: the Latin search key of si_metrics.projects.search_key: lower-case, Bulgarian Cyrillic
-- transliterated (2009 Act), accents stripped, non-letters to one space, a word-final "iya" folded to "ia";
-- България is Bulgaria (the Act's one exception). Kept per project in project_index at publish (store._derive).
create or replace macro project_search_key(title_en, title_bg, lead_org) as
regexp_replace(trim(regexp_replace(strip_accents(
    replace(replace(replace(replace(replace(replace(replace(translate(replace(
        lower(nfc_normalize(concat_ws(' ', title_en, title_bg, lead_org))), 'българия', 'bulgaria'),
        'абвгдезийклмнопрстуфхъьѝ', 'abvgdeziyklmnoprstufhayi'),
        'щ', 'sht'), 'ж', 'zh'), 'ц', 'ts'), 'ч', 'ch'), 'ш', 'sh'), 'ю', 'yu'), 'я', 'ya')
), '[^\p{L}\p{N}]+', ' ', 'g')), 'iya( |$)', 'ia\1', 'g');

-- project_cross_sector: partners from at least two sectors, the lead's included
create or replace macro project_cross_sector(lead_sector, partner_sectors) as
len(list_distinct(list_append(
    coalesce(string_split(nullif(partner_sectors, ''), ';'), []::varchar[]), lead_sector
))) >= 2;

-- matching_projects: one row of project_index per demo project that matches the area, theme and page filters and
-- the search words (any period). project_index is kept in area order (store._derive), so DuckDB skips the row
-- groups of other areas; project_index.programme_code is the register's code or '' for none.
create or replace macro matching_projects(region, themes, statuses, sectors, programmes, groups, cross_only, words) as table
select k.*
from project_index as k
where k.region_code in (select rc.region_code from region_closure as rc where rc.ancestor_code = region)
  and k.theme in (select unnest(themes))
  and (len(statuses) = 0 or k.status in (select unnest(statuses)))
  and (len(sectors) = 0 or k.lead_sector in (select unnest(sectors)))
  and (len(programmes) = 0 or coalesce(nullif(k.programme_code, ''), 'none') in (select unnest(programmes)))
  and (len(groups) = 0 or list_has_any(string_split(k.target_groups, ';'), groups))
  and (not cross_only or k.cross_sector)
  -- every search word in the key (a lambda: a correlated subquery over the words runs once per row)
  and (len(words) = 0 or list_bool_and(list_transform(words, w -> contains(k.search_key, w))));

-- eu_funds_by_area: one row per area of ``codes`` (any level) with all EU funds attributed to the municipalities
-- within it, at the latest register snapshot (snapshots are never mixed); only the areas asked for are summed.
create or replace macro eu_funds_by_area(codes) as table
with latest as (
    select max(snapshot) as snapshot from funding_municipalities
)

select
    rc.ancestor_code as code,
    sum(f.contracted_eur) as contracted_eur,
    sum(f.paid_eur) as paid_eur,
    count(*) as municipalities,
    max(f.snapshot) as snapshot
from funding_municipalities as f
join latest using (snapshot)
join region_closure as rc on rc.region_code = f.region_code
where rc.ancestor_code in (select unnest(codes))
group by rc.ancestor_code;

-- population_latest: one row per area with its Eurostat population (total) of the latest year up to year_to;
-- per-person figures never use the register's own population column, whose year is not stated. The population
-- table holds the observations of POP, sex T, age TOTAL (kept at publish, see si_metrics.store._derive).
create or replace macro population_latest(year_to) as table
select region_code as code, arg_max(population, year) as population, max(year) as pop_year
from population
where year <= year_to
group by region_code;

-- demo_projects_in: the demo (synthetic) projects located in an area or within it, of the given themes,
-- cancelled ones left out, as rows of project_index; callers add their own period rule (running during it, or
-- started within it).
create or replace macro demo_projects_in(region, themes) as table
select k.*
from project_index as k
where k.region_code in (select rc.region_code from region_closure as rc where rc.ancestor_code = region)
  and k.theme in (select unnest(themes))
  and k.status <> 'cancelled';
