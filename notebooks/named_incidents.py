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
lang = "en"  # en, ru or kk
publish = False  # True only in `analysis report`: write to reports/ instead of reports/scratch/
variants = "default"  # the figures' variants: default,dark,social,square,newsletter,print

# %%
from IPython.display import display

from analysis import figures, load_incidents, trends
from analysis.outputs import Publication

incidents = load_incidents()
out = Publication(end, lang, publish=publish, variants=variants)
display(out.say("nb_named_incidents_title"), out.say("nb_named_incidents_intro"))

# %%
display(out.say("nb_incidents_by_region"))
out.figure(figures.incidents_by_region(incidents, start, end))

# %%
display(out.say("nb_amounts_by_category"))
out.figure(figures.amounts_by_category(incidents, start, end))

# %% [markdown]
# By legal code and article as cited, victim type and perpetrator type.

# %% tags=["researcher"]
trends.incidents_by(incidents, "legal_code", start, end)

# %% tags=["researcher"]
trends.incidents_by(incidents, "legal_article", start, end)

# %% tags=["researcher"]
trends.incidents_by(incidents, "victim_type", start, end)

# %% tags=["researcher"]
trends.incidents_by(incidents, "perpetrator_type", start, end)
