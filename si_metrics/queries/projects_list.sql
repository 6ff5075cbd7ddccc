-- grain: one row per demo project that matches the filters and the search and runs during the period,
-- by project id (at most 2,000 rows; matched = how many match in all)
with areas as (
    select region_code from region_closure where ancestor_code = $region
),

candidates as (
    -- every filter but the period; the search key is the Latin key of si_metrics.projects.search_key:
    -- lower-case, Bulgarian Cyrillic transliterated (2009 Act), accents stripped, non-letters to one space,
    -- a word-final "iya" folded to "ia"; България is Bulgaria (the Act's one exception)
    select
        p.*,
        len(list_distinct(list_append(
            coalesce(string_split(nullif(p.partner_sectors, ''), ';'), []::varchar[]), p.lead_sector
        ))) >= 2 as cross_sector,
        regexp_replace(trim(regexp_replace(strip_accents(
            replace(replace(replace(replace(replace(replace(replace(translate(replace(
                lower(nfc_normalize(concat_ws(' ', p.title_en, p.title_bg, p.lead_org))), 'българия', 'bulgaria'),
                'абвгдезийклмнопрстуфхъьѝ', 'abvgdeziyklmnoprstufhayi'),
                'щ', 'sht'), 'ж', 'zh'), 'ц', 'ts'), 'ч', 'ch'), 'ш', 'sh'), 'ю', 'yu'), 'я', 'ya')
        ), '[^\p{L}\p{N}]+', ' ', 'g')), 'iya( |$)', 'ia\1', 'g') as search_key
    from projects as p
    where p.region_code in (select a.region_code from areas as a)
      and p.theme in (select unnest($themes::varchar[]))
      and (len($statuses::varchar[]) = 0 or p.status in (select unnest($statuses::varchar[])))
      and (len($sectors::varchar[]) = 0 or p.lead_sector in (select unnest($sectors::varchar[])))
      and (len($programmes::varchar[]) = 0
           or coalesce(nullif(p.programme_code, ''), 'none') in (select unnest($programmes::varchar[])))
      and (len($groups::varchar[]) = 0 or list_has_any(string_split(p.target_groups, ';'), $groups::varchar[]))
),

searched as (
    select c.*
    from candidates as c
    where (not $cross_only or c.cross_sector)
      and not exists (
          select 1 from unnest($words::varchar[]) as w(word) where not contains(c.search_key, w.word)
      )
),

final as (
    select
        s.project_id,
        s.title_en,
        s.title_bg,
        s.lead_org,
        s.region_code,
        r.name_en as region_en,
        r.name_bg as region_bg,
        s.theme,
        s.status,
        s.eu_contribution_eur,
        s.beneficiaries_reached,
        s.beneficiaries_target,
        count(*) over () as matched
    from searched as s
    join regions as r on r.code = s.region_code
    where year(s.start_date) <= $year_to
      and year(s.end_date) >= $year_from
    order by s.project_id
    limit 2000
)

select * from final
