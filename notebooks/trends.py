# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
start = "2023-01"  # first month, YYYY-MM
end = "2024-11"  # last month, YYYY-MM; the figures go to a folder named after it
categories = "all"  # "all", or a list of category codes, e.g. ["refusal_of_information", "threat"]
rolling = 3  # months in the rolling mean
resolution = "auto"  # "month", "year", or "auto": by month up to 36 months, by year beyond
lang = "en"  # en, ru or kk
show_revisions = False  # True: mark the months whose figure a data release revised (releases/latest/revisions.csv)
publish = False  # True only in `analysis report`: write to reports/ instead of reports/scratch/
variants = "default"  # the figures' variants: default,dark,social,square,newsletter,print

# %%
from IPython.display import display

from analysis import figures, load_cumulative, load_monthly_counts, load_revisions, trends
from analysis.outputs import Publication
from analysis.revisions import revised_months
from analysis.runs import chosen_categories

counts = load_monthly_counts()
cumulative = load_cumulative()
revisions = load_revisions() if show_revisions else None
out = Publication(end, lang, publish=publish, variants=variants)
chosen = chosen_categories(categories)
by = trends.resolve(resolution, start, end)  # "month" or "year"
display(out.say("nb_trends_title_year" if by == "year" else "nb_trends_title"), out.say("nb_trends_intro"))

# %%
display(out.say("nb_groups_stacked_year" if by == "year" else "nb_groups_stacked"))
out.figure(figures.groups_stacked(counts, start, end, end, resolution, cumulative))

# %%
display(out.say("nb_false_information_trend"))
out.figure(figures.false_information_trend(counts, start, end, rolling, end, resolution, cumulative,
                                           revised_months(revisions, trends.false_information_codes())))

# %%
display(out.say("nb_trend_refusal"))
out.figure(figures.category_trend(counts, "refusal_of_information", start, end, rolling, end, resolution,
                                  cumulative, revised_months(revisions, ["refusal_of_information"])))

# %%
display(out.say("nb_category_heatmap" if chosen is None else "nb_category_heatmap_chosen"))
out.figure(figures.category_heatmap(counts, chosen, start, end, end, resolution, cumulative))

# %%
display(out.say("nb_legal_claims_by_type"))
out.figure(figures.legal_claims_by_type(counts, start, end, end))

# %%
if chosen:
    display(out.say("nb_chosen_categories"))
for code in [c for c in chosen or [] if c != "refusal_of_information"]:  # its trend is drawn above
    display(out.figure(figures.category_trend(counts, code, start, end, rolling, end, resolution, cumulative,
                                              revised_months(revisions, [code]))))

# %% [markdown]
# The reviews' own year-to-date statements against the sums of the monthly counts.

# %% tags=["researcher"]
check = trends.check_cumulative(counts, cumulative)
reviews = check[check["source_url"].str.contains("adilsoz.kz", regex=False)]
unexplained = reviews[~reviews["agrees"] & ~reviews["explained_by_missing_months"]]
print(f"{len(reviews)} figures compared, {int(reviews['agrees'].sum())} agree, "
      f"{int(reviews['explained_by_missing_months'].sum())} differ only by missing months, "
      f"{len(unexplained)} differ otherwise")
reviews
