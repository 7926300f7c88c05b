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
month = "2024-11"  # the month of the review, YYYY-MM
lang = "en"  # language of the texts and figures: en, ru or kk
publish = False  # True only in `analysis report`: write to reports/ instead of reports/scratch/
variants = "default"  # the figures' variants: default,dark,social,square,newsletter,print

# %%
from IPython.display import Markdown, display

from analysis import comparisons, figures, load_cumulative, load_monthly_counts, trends
from analysis.outputs import Publication
from analysis.release import changes_since_release

counts = load_monthly_counts()
cumulative = load_cumulative()
out = Publication(month, lang, publish=publish, variants=variants)
# the opening of the review, from the review's counts or, for a month whose review was not read,
# from its incident log (`out.from_log`); also saved as `reports/<month>/summary.<lang>.md`
summary = out.summary(counts, cumulative)
display(out.say("nb_review_title"), out.say("nb_review_intro_log" if out.from_log else "nb_review_intro"))

# %%
display(Markdown(summary))

# %%
if not out.from_log:  # a month known only from its log has no review's counts to chart
    display(out.say("nb_month_categories"), out.figure(figures.month_categories(counts, month)))

# %%
display(out.say("nb_ytd_comparison"))
out.figure(figures.ytd_comparison(counts, month, cumulative))

# %% tags=["researcher"]
comparisons.year_to_date(counts, cumulative, month)

# %% [markdown]
# A draft of the review for editors (`reports/<month>/review_draft.<lang>.md` and `.docx`): the
# opening counts, the key events of the month's incident log by group and category, the figures.

# %% tags=["researcher"]
draft = out.review_draft(summary)

# %% [markdown]
# The month against the month before and against the same month a year earlier, where both have
# data. "more" or "fewer" only when the 95% Poisson interval of the ratio excludes no change.

# %% tags=["researcher"]
trends.changes(counts, month, trends.previous_month(month))

# %% tags=["researcher"]
trends.changes(counts, month, trends.same_month_last_year(month))

# %% [markdown]
# Figures the reviews state for a period ending this year, against the sums of the monthly counts.
# A shortfall is explained when months of the period have no data.

# %% tags=["researcher"]
check = trends.check_cumulative(counts, cumulative)
check[check["period"].str.contains(month[:4], regex=False)]

# %% [markdown]
# What the data change since the latest data release (`releases/latest`), one row a change: figures
# revised (old and new value, and the reason the data give), rows added and removed, labels read as
# another category, category codes changed. Empty when nothing changed, or no release exists yet.
# `analysis report` releases such changes as a new version.

# %% tags=["researcher"]
changes_since_release()
