"""Registry import from Excel, in steps: preview (nothing written but the import record) →
confirm (queued) → run in the background in batches → the rejected rows given back.

Every row is classified against the database as it stands: new, changed, unchanged or rejected.
The run classifies again rather than trusting the preview, so running twice, or uploading the
same file twice, changes nothing the second time, and a run cut short can simply be run again.

Who may import: a community admin into their own community (people.policies). Rows naming a
building that is not the community's are rejected.

xlsx.py reads the workbook (its columns, the raw worksheet XML), rows.py checks each row on its
own, template.py builds the downloadable template; selectors.py reads (the imports, and the
classification against the registry), services.py writes (upload, confirm, the rows of a
batch), run.py is the background job (check and run, with progress), rejects.py gives the
rejected rows back. The Huey tasks stay in people/tasks.py.
"""
