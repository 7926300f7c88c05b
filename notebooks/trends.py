# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Trends across months
#
# How the published counts move from month to month, or year to year. A month whose review was not
# read is shaded and left empty: it is missing data, not a month without violations. Each figure
# says how many months have data; a year with missing months is marked and never passes for a
# whole year. Laws and other events are drawn as thin lines, breaks in a series as a band edge.

# %% tags=["parameters"]
start = "2023-01"  # first month, YYYY-MM
end = "2024-11"  # last month, YYYY-MM; figures go to reports/figures/<end>/
categories = "all"  # "all", or a list of category codes, e.g. ["refusal_of_information", "threat"]
rolling = 3  # months in the rolling mean
resolution = "auto"  # "month", "year", or "auto": by month up to 36 months, by year beyond
lang = "en"  # en, ru or kk

# %%
from IPython.display import display

from analysis import figures, load_cumulative, load_monthly_counts, trends
from analysis.publish import Publication

counts = load_monthly_counts()
cumulative = load_cumulative()
out = Publication(end, lang)
chosen = None if categories == "all" else list(categories)

# %% [markdown]
# The three groups, month by month.

# %%
out.figure(figures.groups_stacked(counts, start, end, end, resolution, cumulative))

# %% [markdown]
# False-information cases: Administrative Code 456-2 and Criminal Code 274 together.

# %%
out.figure(figures.false_information_trend(counts, start, end, rolling, end, resolution, cumulative))

# %% [markdown]
# Refusals and restrictions of socially significant information.

# %%
out.figure(figures.category_trend(counts, "refusal_of_information", start, end, rolling, end, resolution,
                                  cumulative))

# %% [markdown]
# Every category against every month; grey cells were not stated in the review.

# %%
out.figure(figures.category_heatmap(counts, chosen, start, end, end, resolution, cumulative))

# %% [markdown]
# Claims and lawsuits split into criminal, civil and administrative cases.

# %%
out.figure(figures.legal_claims_by_type(counts, start, end, end))

# %% [markdown]
# The trend of each category asked for.

# %%
for code in chosen or []:
    display(out.figure(figures.category_trend(counts, code, start, end, rolling, end, resolution, cumulative)))

# %% [markdown]
# The reviews' own year-to-date statements against the sums of the monthly counts.

# %%
check = trends.check_cumulative(counts, cumulative)
reviews = check[check["source_url"].str.contains("adilsoz.kz", regex=False)]
unexplained = reviews[~reviews["agrees"] & ~reviews["explained_by_missing_months"]]
print(f"{len(reviews)} figures compared, {int(reviews['agrees'].sum())} agree, "
      f"{int(reviews['explained_by_missing_months'].sum())} differ only by missing months, "
      f"{len(unexplained)} differ otherwise")
reviews
