"""What the metadata says about the project: classifiers, summary, emails and URLs."""

from __future__ import annotations

from trove_classifiers import all_classifiers, deprecated_classifiers

from publish_checks.dists.addresses import email_problem, is_pypi_url
from publish_checks.dists.metadata.fields import HEADERS, SUMMARY_LIMIT, URL_LABEL_LIMIT
from publish_checks.dists.metadata.upload import Upload
from publish_checks.dists.refusal import BUILD, Refusal


def classifiers(upload: Upload) -> list[Refusal]:
    """Each classifier is in trove-classifiers' list and not deprecated."""
    given = set(upload.raw.get("classifiers") or [])
    fix = f"use classifiers listed at https://pypi.org/classifiers/, then {BUILD}"
    found = [Refusal(f"{c!r} is not a valid classifier.", fix)
             for c in sorted(given - set(all_classifiers))]
    for c in sorted(given & deprecated_classifiers.keys()):
        if replacements := deprecated_classifiers[c]:
            found.append(Refusal(f"The classifier {c!r} has been deprecated, use one of "
                                 f"{replacements} instead.",
                                 f"replace it in [project] classifiers, then {BUILD}"))
        else:
            found.append(Refusal(f"The classifier {c!r} has been deprecated.",
                                 f"remove it from [project] classifiers, then {BUILD}"))
    return found


def summary(upload: Upload) -> list[Refusal]:
    """The Summary is one line of at most 512 characters."""
    value, problem = upload.value("summary")
    fix = (f"make [project] description one line of at most {SUMMARY_LIMIT} characters, "
           f"then {BUILD}")
    if problem:
        return [Refusal(problem, fix)]
    if value is not None and len(value) > SUMMARY_LIMIT:
        return [Refusal(f"'summary' field must be {SUMMARY_LIMIT} characters or less. (It "
                        f"has {len(value)}.)", fix)]
    return []


def emails(upload: Upload) -> list[Refusal]:
    """Author-Email and Maintainer-Email hold addresses PyPI takes."""
    found = []
    for field in ("author_email", "maintainer_email"):
        value = upload.raw.get(field)
        if isinstance(value, str) and (problem := email_problem(value)):
            address, why = problem
            found.append(Refusal(f"{HEADERS[field]}: {address!r} is not a valid email "
                                 f"address: {why}",
                                 f"fix the email of [project] {field.split('_')[0]}s in "
                                 f"pyproject.toml, then {BUILD}"))
    return found


def urls(upload: Upload) -> list[Refusal]:
    """Home-page, Download-URL and each Project-URL are http(s) URLs; labels are short. Each
    refusal names the field and the label (PyPI's words alone name neither)."""
    found = [Refusal(f"{HEADERS[field]}: {url!r} is not a valid url.",
                     f"make it an http:// or https:// URL (setup.py's "
                     f"{'url' if field == 'home_page' else 'download_url'}=, or [project.urls]), "
                     f"then {BUILD}")
             for field in ("home_page", "download_url")
             if isinstance(url := upload.raw.get(field), str) and not is_pypi_url(url)]
    for label, url in (upload.raw.get("project_urls") or {}).items():
        if not label:
            found.append(Refusal(f"Project-URL with no label, for {url!r}: Must have a label",
                                 f"give {url!r} a label in [project.urls], then {BUILD}"))
        elif len(label) > URL_LABEL_LIMIT:
            found.append(Refusal(f"Project-URL: {label!r} must be {URL_LABEL_LIMIT} "
                                 f"characters or less. (It has {len(label)}.)",
                                 f"shorten that [project.urls] key to at most "
                                 f"{URL_LABEL_LIMIT} characters, then {BUILD}"))
        elif not url:
            found.append(Refusal(f"Project-URL {label!r} has no URL: Must have a URL",
                                 f"give {label!r} in [project.urls] a URL, or remove it, then "
                                 f"{BUILD}"))
        elif not is_pypi_url(url):
            found.append(Refusal(f"Project-URL {label!r}: {url!r} is not a valid url",
                                 f"make {label!r} in [project.urls] an http:// or https:// URL, "
                                 f"then {BUILD}"))
    return found
