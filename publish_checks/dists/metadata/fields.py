"""What PyPI knows of core-metadata fields: the Metadata-Versions it takes, the version
that introduced each field, which fields appear once or may be Dynamic, and its limits."""

from __future__ import annotations

# What PyPI takes as Metadata-Version (warehouse's SUPPORTED_METADATA_VERSIONS): not 2.0.
PYPI_METADATA_VERSIONS = ("1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5")
# The Metadata-Version that introduced each field PyPI knows, by header name.
ADDED_IN = {header: version for version, headers in (
    ("1.0", "metadata-version name version platform summary description keywords home-page "
            "author author-email license"),
    ("1.1", "supported-platform download-url classifier requires provides obsoletes"),
    ("1.2", "maintainer maintainer-email requires-dist requires-python requires-external "
            "project-url provides-dist obsoletes-dist"),
    ("2.1", "description-content-type provides-extra"),
    ("2.2", "dynamic"),
    ("2.4", "license-expression license-file"),
    ("2.5", "import-name import-namespace"),
) for header in headers.split()}
# packaging's raw names are the headers in snake case, some in the plural.
PLURALS = {"platforms": "platform", "supported_platforms": "supported-platform",
           "classifiers": "classifier", "project_urls": "project-url",
           "license_files": "license-file", "import_names": "import-name",
           "import_namespaces": "import-namespace"}
SINGLE_USE = {"metadata-version", "name", "version", "summary", "description",
              "description-content-type", "keywords", "home-page", "download-url", "author",
              "author-email", "maintainer", "maintainer-email", "license",
              "license-expression", "requires-python"}
# What Dynamic may name on PyPI (warehouse's DYNAMIC_FIELDS), lowercased.
DYNAMIC = ADDED_IN.keys() - {"metadata-version", "name", "version", "dynamic"}
# The headers of the fields whose PyPI messages do not name them, as core metadata spells them.
HEADERS = {"author_email": "Author-email", "maintainer_email": "Maintainer-email",
           "home_page": "Home-page", "download_url": "Download-URL",
           "provides_dist": "Provides-Dist", "obsoletes_dist": "Obsoletes-Dist"}
SUMMARY_LIMIT = 512
URL_LABEL_LIMIT = 32


def version_tuple(version: str) -> tuple[int, ...]:
    """A Metadata-Version as numbers, for comparing."""
    return tuple(int(part) for part in version.split("."))
