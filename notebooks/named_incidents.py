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
# # Named incidents
#
# The incidents the reviews name: where they happened, under which articles, against whom and by
# whom, and the sums of money at stake. These are examples the reviews cite, not complete counts;
# an ongoing case is counted once, in the month it was first named.

# %% tags=["parameters"]
start = "2009-01"  # first month, YYYY-MM
end = "2024-11"  # last month, YYYY-MM; figures go to reports/figures/<end>/
lang = "en"  # en, ru or kk

# %%
from analysis import figures, load_incidents, trends
from analysis.publish import Publication

incidents = load_incidents()
out = Publication(end, lang)

# %% [markdown]
# All 17 regions and the 3 cities of republican significance, zeros included.

# %%
out.figure(figures.incidents_by_region(incidents, start, end))

# %% [markdown]
# Fines, claims and awards named with the incidents, in tenge.

# %%
out.figure(figures.amounts_by_category(incidents, start, end))

# %% [markdown]
# By legal code and article as cited, victim type and perpetrator type.

# %%
trends.incidents_by(incidents, "legal_code", start, end)

# %%
trends.incidents_by(incidents, "legal_article", start, end)

# %%
trends.incidents_by(incidents, "victim_type", start, end)

# %%
trends.incidents_by(incidents, "perpetrator_type", start, end)
