-- grain: one row per theme, status, lead sector and timing (in_period: runs during the period;
-- starts_after: starts after it) of the demo projects that match the filters and the search
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
        s.theme,
        s.status,
        s.lead_sector,
        year(s.start_date) <= $year_to and year(s.end_date) >= $year_from as in_period,
        year(s.start_date) > $year_to as starts_after,
        count(*) as projects,
        sum(s.eu_contribution_eur) as eu_contribution_eur,
        sum(s.beneficiaries_reached) as beneficiaries_reached,
        count(*) filter (where s.cross_sector) as cross_sector_projects
    from searched as s
    group by all
)

select * from final
order by theme, status, lead_sector, in_period, starts_after
