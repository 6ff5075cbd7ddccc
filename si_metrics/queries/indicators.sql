-- grain: one row per catalogue indicator
select code, name_en, name_bg, definition_en, definition_bg, unit, decimals, higher_is_better, theme,
       notes_en, notes_bg
from indicators
order by code
