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
start = "2009-01"  # first month, YYYY-MM
end = "2024-11"  # last month, YYYY-MM; the figures go to a folder named after it
articles = ["274", "456-2"]  # the articles whose cases are shown: by default the two false-information articles
lang = "en"  # en, ru or kk
publish = False  # True only in `analysis report`: write to reports/ instead of reports/scratch/
variants = "default"  # the figures' variants: default,dark,social,square,newsletter,print

# %%
from IPython.display import display

from analysis import case_figures, cases, load_incidents
from analysis.outputs import Publication

incidents = load_incidents()
ledger = cases.ledger(incidents)
events = cases.case_events(incidents)
out = Publication(end, lang, publish=publish, variants=variants)
display(out.say("nb_cases_title"), out.say("nb_cases_intro"))

# %%
display(out.say("nb_cases_timeline"))
for page in case_figures.cases_timeline(ledger, events, start, end, articles):
    display(out.figure(page))

# %%
display(out.say("nb_cases_outcomes"))
out.figure(case_figures.cases_outcomes(ledger, events, start, end, articles))

# %%
display(out.say("nb_cases_active"))
out.figure(case_figures.cases_active(events, ledger, start, end, articles, logged=set(incidents["report_month"])))

# %%
shown = cases.seen_between(cases.with_articles(ledger, articles), events, start, end)
display(out.say("nb_cases_by_stage"))
cases.by_article_and_stage(shown, lang)

# %% [markdown]
# Every case shown, with its stages, outcome and the review pages it was read from.

# %% tags=["researcher"]
shown
