"""dists-metadata holds every rule PyPI's upload endpoint applies to filenames and core
metadata: each offending dist fails with PyPI's words and a fix, and its compliant twin
passes."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from publish_checks.checks import dists
from publish_checks.checks.report import Finding, Status
from publish_checks.dists import addresses
from publish_checks.dists.metadata import PYPI_METADATA_VERSIONS
from tests.builders import SampleProject
from tests.distbuilders import default_files, make_sdist, make_wheel, metadata_text

# pypiserver's bottle, imported in-process by the index tests, leaves an import hook
# without find_spec on sys.meta_path; docutils' lazy imports while rendering reST then warn.
pytestmark = pytest.mark.filterwarnings("ignore:_ImportRedirect.find_spec:ImportWarning")

W, S = "wheel", "sdist"
SUMMARY = "Summary: A demo package for publish-checks tests."
RST = "demo\n====\n\nA *demo* package.\n"
BROKEN_RST = "demo\n====\n\n`unclosed\n"
LICENSE = "MIT License\n\nCopyright (c) 2026 Demo\n"
DIRECT = "requests @ https://example.com/requests-2.32.0.tar.gz"


def fields(extra: str, **changes: Any) -> dict[str, str]:
    """Changes that give the dist metadata with ``extra`` header lines."""
    return {"metadata": metadata_text(extra=extra, **changes)}


def summary(text: str) -> dict[str, str]:
    return {"metadata": metadata_text().replace(SUMMARY, f"Summary: {text}")}


def wheel(platform: str, build: str = "") -> dict[str, str]:
    """A wheel of the sample project named for ``platform`` (and a build tag)."""
    return {"filename": f"demo_pkg-1.2.0-{build + '-' if build else ''}cp311-cp311-"
                        f"{platform}.whl"}


def wheel_of_length(size: int) -> dict[str, str]:
    """A wheel whose name is ``size`` bytes: valid tags, padded by its build tag."""
    platforms = ".".join(f"manylinux_2_{n}_x86_64" for n in range(17, 26))
    padding = size - len(wheel(platforms, "1")["filename"]) + 1
    return wheel(platforms, "1" * padding)


def licensed(kind: str, license_file: str, *, present: bool) -> dict[str, Any]:
    """Metadata naming ``License-File: LICENSE`` and the file in the archive or not."""
    files: dict[str, str] = default_files()
    if present:
        inside = "demo_pkg-1.2.0.dist-info/licenses/" if kind == W else ""
        files[f"{inside}{license_file}"] = LICENSE
    return {"files": files, **fields(f"License-Expression: MIT\nLicense-File: {license_file}\n")}


def encoded(encoding: str, *, author: str = "Jane", readme: str = RST) -> dict[str, bytes]:
    """The sample metadata with ``author`` and the long description ``readme``, saved in
    ``encoding``."""
    return {"metadata": metadata_text(extra=f"Author: {author}\n", content_type="text/x-rst",
                                      description=readme).encode(encoding)}


NOT_UTF8 = "demo_pkg-1.2.0-py3-none-any.whl is not UTF-8"
TWINE_MALFORMED = "twine refuses to upload it (\"Invalid distribution metadata: unrecognized " \
                  "or malformed field '{}'\")"

# (kind, offending changes, compliant twin's changes, PyPI's words, a fragment of the fix)
CASES = [
    # --- core metadata that is not UTF-8: twine refuses it, naming the field it garbles
    pytest.param(W, encoded("latin-1", readme="Caf\u00e9\n====\n\nA demo.\n"),
                 encoded("utf-8", readme="Caf\u00e9\n====\n\nA demo.\n"),
                 f"demo_pkg-1.2.0.dist-info/METADATA in {NOT_UTF8} (byte 0xe9 on line 8, in the "
                 "long description): " + TWINE_MALFORMED.format("description"),
                 "save the readme as UTF-8", id="latin-1-long-description"),
    pytest.param(S, encoded("cp1252", author="Jos\u00e9"), encoded("utf-8", author="Jos\u00e9"),
                 "demo_pkg-1.2.0/PKG-INFO in demo_pkg-1.2.0.tar.gz is not UTF-8 (byte 0xe9 on "
                 "line 6, in its Author field): " + TWINE_MALFORMED.format("author"),
                 "save the pyproject.toml, setup.cfg or setup.py as UTF-8",
                 id="cp1252-author"),
    pytest.param(W, encoded("utf-16"), encoded("utf-8"),
                 "demo_pkg-1.2.0.dist-info/METADATA in demo_pkg-1.2.0-py3-none-any.whl is "
                 "UTF-16 LE text, not UTF-8: twine refuses to upload it",
                 "rebuild with a current build backend", id="utf-16-metadata"),
    pytest.param(S, {"metadata": b"\xef\xbb\xbf" + metadata_text().encode()}, {},
                 "demo_pkg-1.2.0/PKG-INFO in demo_pkg-1.2.0.tar.gz starts with a UTF-8 "
                 "byte-order mark, so no field of it can be read: twine refuses to upload it",
                 "rebuild with a current build backend", id="byte-order-mark-metadata"),
    # --- the filename
    pytest.param(W, {"filename": "demo_pkg-1.2.0-1\\x-py3-none-any.whl"},
                 {"filename": "demo_pkg-1.2.0-1x-py3-none-any.whl"},
                 "Cannot upload a file with '/' or '\\' in the name. "
                 "(demo_pkg-1.2.0-1\\x-py3-none-any.whl)", "delete this file and rebuild",
                 id="backslash"),
    pytest.param(W, {"filename": "demo_pkg-1.2.0-1\x01-py3-none-any.whl"},
                 {"filename": "demo_pkg-1.2.0-1-py3-none-any.whl"},
                 "Cannot upload a file with non-printable characters (ordinals 0-31) or the "
                 "DEL character (ordinal 127) in the name.", "rebuild", id="control-character"),
    pytest.param(W, wheel_of_length(247), wheel_of_length(246),
                 "Filename is too long: 'demo_pkg-1.2.0-1111", "fewer platform tags",
                 id="wheel-name-over-246-bytes"),
    pytest.param(S, {"filename": "Demo.Pkg-1.2.0.tar.gz"}, {},
                 "Filename 'Demo.Pkg-1.2.0.tar.gz' is invalid, should be "
                 "'demo_pkg-1.2.0.tar.gz'.", "rebuild", id="sdist-pep-625"),
    # --- platform tags
    pytest.param(W, wheel("linux_x86_64"), wheel("manylinux_2_17_x86_64"),
                 "Binary wheel 'demo_pkg-1.2.0-cp311-cp311-linux_x86_64.whl' has an "
                 "unsupported platform tag 'linux_x86_64'.",
                 "auditwheel repair dist/demo_pkg-1.2.0-cp311-cp311-linux_x86_64.whl -w dist/",
                 id="linux_x86_64"),
    pytest.param(W, wheel("linux_aarch64"), wheel("linux_armv7l"),
                 "unsupported platform tag 'linux_aarch64'.", "as cibuildwheel does",
                 id="linux_aarch64-but-piwheels-armv7l"),
    pytest.param(W, wheel("macosx_10_9_x86_64.linux_x86_64"),
                 wheel("macosx_10_9_x86_64.macosx_11_0_arm64"),
                 "unsupported platform tag 'linux_x86_64'.", "auditwheel",
                 id="one-bad-tag-in-a-compressed-set"),
    pytest.param(W, wheel("macosx_11_1_arm64"), wheel("macosx_11_0_arm64"),
                 "unsupported platform tag 'macosx_11_1_arm64'.",
                 "MACOSX_DEPLOYMENT_TARGET=11.0", id="macos-11-minor-not-0"),
    pytest.param(W, wheel("macosx_16_0_arm64"), wheel("macosx_15_0_arm64"),
                 "unsupported platform tag 'macosx_16_0_arm64'.", "cibuildwheel",
                 id="macos-major-pypi-does-not-know"),
    pytest.param(W, wheel("musllinux_1_2_ppc64"), wheel("manylinux_2_17_ppc64"),
                 "unsupported platform tag 'musllinux_1_2_ppc64'.", "cibuildwheel",
                 id="musllinux-has-no-ppc64"),
    # --- the project and version the metadata names
    pytest.param(W, {"metadata": metadata_text("other-pkg")}, {"metadata": metadata_text(
                 "Demo.Pkg")}, "(PyPI: Start filename for 'other-pkg' with 'other_pkg'.)",
                 "rebuild", id="another-project"),
    pytest.param(W, {"metadata": metadata_text(version="1.2.1")},
                 {"metadata": metadata_text(version="1.2.0.0")},
                 "Version in filename should be '1.2.1' not '1.2.0'.", "rebuilds from the "
                 "current version", id="wheel-another-version"),
    pytest.param(S, {"metadata": metadata_text(version="1.2.1")},
                 {"metadata": metadata_text(version="v1.2.0")},
                 "Filename 'demo_pkg-1.2.0.tar.gz' is invalid, should be "
                 "'demo_pkg-1.2.1.tar.gz'.", "rebuilds", id="sdist-another-version"),
    # --- Metadata-Version, and fields newer than it or repeated
    pytest.param(W, fields("", metadata_version="2.0"), fields("", metadata_version="2.1"),
                 "'2.0' is not a valid metadata version", "rebuild", id="metadata-version-2.0"),
    pytest.param(S, {"metadata": metadata_text().replace("Metadata-Version: 2.4\n", "")}, {},
                 "None is not a valid metadata version", "rebuild", id="no-metadata-version"),
    pytest.param(W, fields("", metadata_version="1.2"), fields("", metadata_version="2.1"),
                 "description-content-type introduced in metadata version 2.1, not 1.2",
                 "rebuild", id="content-type-before-2.1"),
    pytest.param(S, fields("License-Expression: MIT\n", metadata_version="2.3"),
                 fields("License-Expression: MIT\n", metadata_version="2.4"),
                 "license-expression introduced in metadata version 2.4, not 2.3", "rebuild",
                 id="license-expression-before-2.4"),
    pytest.param(W, fields("Import-Name: demo_pkg\n"),
                 fields("Import-Name: demo_pkg\n", metadata_version="2.5"),
                 "import-name introduced in metadata version 2.5, not 2.4", "rebuild",
                 id="import-name-before-2.5"),
    pytest.param(S, fields("Summary: Again.\n"), fields("Keywords: demo\n"),
                 "'summary' has invalid data (Summary appears 2 times; it may appear once)",
                 "rebuild", id="single-use-field-twice"),
    pytest.param(W, fields("Colour: blue\n"), fields("Platform: any\n"),
                 "unrecognized or malformed field 'colour' (twine refuses to upload it)",
                 "rebuild", id="unknown-field"),
    # --- name and version
    pytest.param(W, {"metadata": metadata_text("-demo-pkg")},
                 {"metadata": metadata_text("DEMO_pkg")},
                 "'-demo-pkg' is invalid for 'name'", "[project] name", id="invalid-name"),
    pytest.param(S, {"metadata": metadata_text(version="1.2.0-final-x")},
                 {"metadata": metadata_text(version="v1.2.0")},
                 "'1.2.0-final-x' is invalid for 'version'", "public version",
                 id="invalid-version"),
    pytest.param(W, {"version": "1.2.1+local.7"}, {"version": "1.2.1.post7"},
                 "The use of local versions in '1.2.1+local.7' is not allowed.",
                 "no '+…' local part", id="local-version"),
    pytest.param(W, fields("Import-Name: demo-pkg\n", metadata_version="2.5"),
                 fields("Import-Name: demo_pkg\n", metadata_version="2.5"),
                 "'demo-pkg' is invalid for 'import-name'; 'demo-pkg' is not a valid "
                 "identifier", "import-names", id="invalid-import-name"),
    # --- dependencies
    pytest.param(S, fields("Requires-Python: >=3.10,<4,x\n"),
                 fields("Requires-Python: >=3.10,<4\n"),
                 "'>=3.10,<4,x' is invalid for 'requires-python'", "requires-python",
                 id="invalid-requires-python"),
    pytest.param(W, fields("Requires-Dist: requests >=\n"), fields("Requires-Dist: requests>=2\n"),
                 "'requests >=' is invalid for 'requires-dist'", "dependencies",
                 id="invalid-requires-dist"),
    pytest.param(W, fields(f"Requires-Dist: {DIRECT}\n"),
                 fields("Requires-Dist: requests>=2.32\n"),
                 f"Requires-Dist: Can't have direct dependency: {DIRECT}",
                 "no direct URL references", id="direct-url-requires-dist"),
    pytest.param(S, fields(f"Requires-Dist: {DIRECT} ; extra == 'http'\nProvides-Extra: http\n"),
                 fields("Requires-Dist: requests ; extra == 'http'\nProvides-Extra: http\n"),
                 f"Can't have direct dependency: {DIRECT} ; extra == \"http\"",
                 "no direct URL references", id="direct-url-in-an-extra"),
    pytest.param(W, fields("Provides-Extra: -tests\n"), fields("Provides-Extra: tests\n"),
                 "'-tests' is invalid for 'provides-extra'", "optional-dependencies",
                 id="invalid-provides-extra"),
    pytest.param(S, fields(f"Provides-Dist: {DIRECT}\n"), fields("Provides-Dist: requests\n"),
                 f"Provides-Dist: Can't have direct dependency: '{DIRECT}'",
                 "no direct URL references",
                 id="direct-url-provides-dist"),
    pytest.param(W, fields("Obsoletes-Dist: old-pkg >=\n"),
                 fields("Obsoletes-Dist: old-pkg<1.0\n"),
                 "Obsoletes-Dist: 'old-pkg >=' is invalid: Expected ", "rebuild",
                 id="invalid-obsoletes-dist"),
    # --- classifiers
    pytest.param(W, fields("Classifier: Programming Language :: Python :: 9\n"),
                 fields("Classifier: Programming Language :: Python :: 3\n"),
                 "'Programming Language :: Python :: 9' is not a valid classifier.",
                 "https://pypi.org/classifiers/", id="unknown-classifier"),
    pytest.param(S, fields("Classifier: Natural Language :: Ukranian\n"),
                 fields("Classifier: Natural Language :: Ukrainian\n"),
                 "The classifier 'Natural Language :: Ukranian' has been deprecated, use one of "
                 "['Natural Language :: Ukrainian'] instead.", "replace it",
                 id="deprecated-classifier"),
    pytest.param(W, fields("Classifier: Topic :: Communications :: Chat :: AOL Instant "
                           "Messenger\n"),
                 fields("Classifier: Topic :: Communications :: Chat\n"),
                 "The classifier 'Topic :: Communications :: Chat :: AOL Instant Messenger' has "
                 "been deprecated.", "remove it", id="deprecated-classifier-no-replacement"),
    # --- Summary
    pytest.param(W, summary("x" * 513), summary("x" * 512),
                 "'summary' field must be 512 characters or less. (It has 513.)",
                 "at most 512 characters", id="summary-over-512"),
    pytest.param(S, summary("line one\n  line two"), summary("line one line two"),
                 "'summary' must be a single line", "one line", id="summary-two-lines"),
    # --- e-mail addresses
    pytest.param(W, fields("Author-email: Jane <jane@localhost>\n"),
                 fields("Author-email: Jane <jane@example.org>\n"),
                 "Author-email: 'jane@localhost' is not a valid email address: The part after "
                 "the @-sign is not valid. It should have a period.", "[project] authors",
                 id="author-email-no-period"),
    pytest.param(S, fields("Maintainer-email: maintainers.example.org\n"),
                 fields("Maintainer-email: maintainers@example.org\n"),
                 "Maintainer-email: 'maintainers.example.org' is not a valid email address: An "
                 "email address must have an @-sign.", "[project] maintainers",
                 id="maintainer-email-no-at"),
    pytest.param(W, fields("Author-email: Jane Doe <jane@demo.test>\n"),
                 fields("Author-email: Jane Doe <jane@demo.org>\n"),
                 "'jane@demo.test' is not a valid email address: The part after the @-sign is a "
                 "special-use or reserved name that cannot be used with email.", "authors",
                 id="author-email-special-use"),
    # --- URLs
    pytest.param(W, fields("Home-page: github.com/demo/demo-pkg\n"),
                 fields("Home-page: https://github.com/demo/demo-pkg\n"),
                 "Home-page: 'github.com/demo/demo-pkg' is not a valid url.", "setup.py's url=",
                 id="home-page-without-scheme"),
    pytest.param(S, fields("Download-URL: ftp://example.org/demo.tar.gz\n"),
                 fields("Download-URL: http://example.org/demo.tar.gz\n"),
                 "Download-URL: 'ftp://example.org/demo.tar.gz' is not a valid url.", "https://",
                 id="download-url-ftp"),
    pytest.param(W, fields("Project-URL: Where the source code lives today, https://example.org\n"),
                 fields("Project-URL: Where the source code lives now, https://example.org\n"),
                 "Project-URL: 'Where the source code lives today' must be 32 characters or "
                 "less. (It has 33.)", "that [project.urls] key to at most 32 characters",
                 id="project-url-label-over-32"),
    pytest.param(S, fields("Project-URL: Source, git@github.com:demo/demo-pkg.git\n"),
                 fields("Project-URL: Source, https://github.com/demo/demo-pkg.git\n"),
                 "Project-URL 'Source': 'git@github.com:demo/demo-pkg.git' is not a valid url",
                 "make 'Source' in [project.urls] an http:// or https:// URL",
                 id="project-url-not-http"),
    pytest.param(W, fields("Project-URL: , https://example.org\n"),
                 fields("Project-URL: Home, https://example.org\n"),
                 "Project-URL with no label, for 'https://example.org': Must have a label",
                 "give 'https://example.org' a label in [project.urls]",
                 id="project-url-without-label"),
    pytest.param(W, fields("Project-URL: Docs, \n"), fields("Project-URL: Docs, https://x.org\n"),
                 "Project-URL 'Docs' has no URL: Must have a URL",
                 "give 'Docs' in [project.urls] a URL, or remove it", id="project-url-without-url"),
    # --- license
    pytest.param(S, fields("License: MIT License\nLicense-Expression: MIT\n"),
                 fields("License-Expression: MIT\n"),
                 "License is deprecated when License-Expression is present. Only "
                 "License-Expression should be present.", "keep only license",
                 id="license-beside-license-expression"),
    pytest.param(W, fields("License-Expression: MIT OR Apache\n"),
                 fields("License-Expression: MIT OR Apache-2.0\n"),
                 "'MIT OR Apache' is invalid for 'license-expression' (Unknown license: "
                 "'apache')", "https://spdx.org/licenses/", id="invalid-spdx-expression"),
    pytest.param(W, licensed(W, "LICENSE", present=False), licensed(W, "LICENSE", present=True),
                 "License-File LICENSE does not exist in distribution file "
                 "demo_pkg-1.2.0-py3-none-any.whl at demo_pkg-1.2.0.dist-info/licenses/LICENSE",
                 "did not include it", id="license-file-missing-from-wheel"),
    pytest.param(S, licensed(S, "LICENSES/MIT.txt", present=False),
                 licensed(S, "LICENSES/MIT.txt", present=True),
                 "License-File LICENSES/MIT.txt does not exist in distribution file "
                 "demo_pkg-1.2.0.tar.gz at demo_pkg-1.2.0/LICENSES/MIT.txt",
                 "did not include it", id="license-file-missing-from-sdist"),
    *(pytest.param(S, licensed(S, bad, present=True), licensed(S, "LICENSES/MIT.txt",
                                                                present=True),
                   f"{bad!r} is invalid for 'license-file', {why}", "license-files",
                   id=f"license-file-{name}")
      for name, bad, why in [
          ("parent", "../LICENSE", "parent directory indicators are not allowed"),
          ("glob", "LICEN*", "paths must be resolved"),
          ("absolute", "/LICENSE", "paths must be relative"),
          ("backslash", "LICENSES\\MIT.txt", "paths must use '/' delimiter")]),
    # --- Dynamic
    *(pytest.param(S, fields(f"Dynamic: {field}\n"), fields("Dynamic: Classifier\n"), words,
                   "rebuild", id=f"dynamic-{field.lower()}")
      for field, words in [
          ("Version", "'version' is not allowed as a dynamic field"),
          ("Colour", "'colour' is not a valid dynamic field"),
          ("Dynamic", "Dynamic field 'dynamic' is not a valid dynamic field.")]),
    # --- the long description as PyPI renders it
    pytest.param(W, fields("", content_type="text/rst"), fields("", content_type="text/x-rst",
                                                                 description=RST),
                 "'description-content-type' must be one of", "content-type",
                 id="content-type-not-real"),
    pytest.param(W, fields("", content_type="text/x-rst", description=BROKEN_RST),
                 fields("", content_type="text/x-rst", description=RST),
                 "The description failed to render for 'text/x-rst'.", "readme_renderer",
                 id="rst-that-does-not-render"),
]


def release(project: SampleProject, kind: str, changes: dict[str, Any]) -> None:
    """The sample release in dist/, with ``changes`` applied to its wheel or its sdist
    (``version`` to the whole project)."""
    changes = dict(changes)
    version = changes.pop("version", project.version)
    if version != project.version:
        project.write("VERSION", f"{version}\n")
    dist = project.root / "dist"
    make_wheel(dist, version=version, **(changes if kind == W else {}))
    make_sdist(dist, version=version, **(changes if kind == S else {}))


def metadata(project: SampleProject) -> Finding:
    return dists.dists_metadata(project.context())


@pytest.mark.parametrize(("kind", "bad", "good", "words", "fix"), CASES)
def test_pypi_refuses_it_in_its_own_words(project: SampleProject, kind: str,
                                          bad: dict[str, Any], good: dict[str, Any],
                                          words: str, fix: str) -> None:
    """A dist PyPI's upload endpoint would refuse fails, quoting PyPI, with the fix."""
    release(project, kind, bad)
    finding = metadata(project)
    assert finding.status is Status.FAIL, finding
    assert words in finding.summary, finding
    assert fix in finding.hint, finding


@pytest.mark.parametrize(("kind", "bad", "good", "words", "fix"), CASES)
def test_its_compliant_twin_passes(project: SampleProject, kind: str, bad: dict[str, Any],
                                   good: dict[str, Any], words: str, fix: str) -> None:
    """The same dist with that one thing fixed passes."""
    release(project, kind, good)
    finding = metadata(project)
    assert finding.status is Status.PASS, finding


@pytest.mark.parametrize(("kind", "changes"), [
    (S, fields("Home-page: UNKNOWN\nAuthor-email: UNKNOWN\nDownload-URL:  UNKNOWN \n")),
    (W, fields("License-File: COPYING\n", metadata_version="2.1")),
    (W, wheel("manylinux2014_armv7l.musllinux_1_2_riscv64.win_arm64.macosx_10_4_fat3")),
    (W, wheel("ios_13_0_arm64_iphoneos.android_24_arm64_v8a.pyemscripten_2026_0_wasm32")),
    (S, fields("Author-email: \"Jane Doe\" <jane@example.org>, Bob <bob@example.org>\n"
               "Maintainer-email: Zoë <zoë@exämple.org>\n")),
    (W, fields("Project-URL: Homepage, HTTPS://example.org:8080/a b?q=1#frag\n")),
    (W, fields("Author-email: jane@demo.test, Bob <bob@printer.local>\n"
               "Maintainer-email: jane@[192.0.2.1]\n")),
], ids=["unknown-values-pypi-drops", "license-file-below-2.4-twine-drops", "odd-platforms",
        "mobile-and-web-platforms", "display-names-and-unicode", "lenient-url",
        "lists-and-bracketed-domains-pypi-does-not-judge"])
def test_what_pypi_takes_passes(project: SampleProject, kind: str,
                                changes: dict[str, Any]) -> None:
    """What looks odd but PyPI takes passes: UNKNOWN values it drops, License-File that twine
    does not send below Metadata-Version 2.4, rare platforms, display names, odd URLs."""
    release(project, kind, changes)
    finding = metadata(project)
    assert finding.status is Status.PASS, finding


@pytest.mark.parametrize("version", PYPI_METADATA_VERSIONS[:3])
def test_metadata_version_1_passes_but_warns_without_a_content_type(
        project: SampleProject, version: str) -> None:
    """Metadata-Version 1.x, which cannot declare a content type, takes only the warning that
    twine check --strict would fail."""
    release(project, S, fields("", metadata_version=version, content_type=None,
                               description=RST))
    finding = metadata(project)
    assert finding.status is Status.WARN, finding
    assert finding.summary == ("demo_pkg-1.2.0.tar.gz's long description has no "
                               "Description-Content-Type: PyPI takes it as reST, twine check "
                               "--strict fails")
    assert "content-type = \"text/markdown\"" in finding.hint


@pytest.mark.parametrize(("description", "status", "words"), [
    (RST, Status.WARN, "has no Description-Content-Type: PyPI takes it as reST"),
    ("# demo-pkg\n\nA demo package.\n", Status.WARN, "twine check --strict fails"),
    (BROKEN_RST, Status.FAIL, "(line 4: Warning: Inline interpreted text or phrase reference "
     "start-string without end-string.): The description failed to render in the default "
     "format of reStructuredText."),
], ids=["rst", "markdown-that-renders-as-rst", "broken-rst"])
def test_a_missing_content_type_warns_when_the_text_renders_as_rst(
        project: SampleProject, description: str, status: Status, words: str) -> None:
    """Without Description-Content-Type PyPI renders reST: a text that renders so is a
    warning (twine check --strict fails), one that does not is PyPI's failure."""
    release(project, W, fields("", content_type=None, description=description))
    finding = metadata(project)
    assert finding.status is status, finding
    assert words in finding.summary
    assert "long_description_content_type" in finding.hint


@pytest.mark.parametrize(("kind", "description"), [(W, None), (S, "UNKNOWN\n")],
                         ids=["wheel-none", "sdist-unknown"])
def test_a_missing_long_description_warns_as_pypi_takes_it(
        project: SampleProject, kind: str, description: str | None) -> None:
    """No long description (or setuptools' UNKNOWN) is a warning, not a failure: PyPI takes
    the upload; only twine check --strict refuses it."""
    release(project, kind, fields("", description=description))
    finding = metadata(project)
    assert finding.status is Status.WARN, finding
    assert finding.summary.endswith("has no long description: PyPI takes it and shows an "
                                    "empty project page, twine check --strict fails")
    assert "readme = {file = \"README.md\"" in finding.hint


def test_failures_list_every_file_once_per_reason(project: SampleProject) -> None:
    """A reason shared by the sdist and the wheel is one problem naming both files."""
    bad = fields("Classifier: Programming Language :: Python :: 9\n")["metadata"]
    release(project, W, {"metadata": bad})
    make_sdist(project.root / "dist", metadata=bad)
    finding = metadata(project)
    assert finding.summary == ("demo_pkg-1.2.0-py3-none-any.whl, demo_pkg-1.2.0.tar.gz: "
                               "'Programming Language :: Python :: 9' is not a valid "
                               "classifier.")


@pytest.mark.parametrize(("address", "why"), [
    ("jane@example.org", None),
    ("jane.doe+pypi@mail.example.co.uk", None),
    ("jane@", None),  # parseaddr finds no address in it: PyPI checks nothing
    ("@example.org", "There must be something before the @-sign."),
    ("jane doe@example.org", "The email address contains invalid characters before the "
                             "@-sign: SPACE."),
    ("jane\\doe@example.org", "The email address contains invalid characters before the "
                             "@-sign: \"\\\"."),
    ("jané@exämple.org", None),
    (".jane@example.org", "An email address cannot start with a period."),
    ("jane.@example.org", "An email address cannot have a period immediately before the "
                          "@-sign."),
    ("jane..doe@example.org", "An email address cannot have two periods in a row."),
    ("jane@-example.org", "An email address cannot have a hyphen immediately after the "
                          "@-sign."),
    ("jane@example.org-", "An email address cannot end with a hyphen."),
    ("jane@example_mail.org", "The part after the @-sign contains invalid characters: '_'."),
    ("jane@example.123", "The part after the @-sign is not valid. It is not within a valid "
                         "top-level domain."),
    ("jane@printer.local", "The part after the @-sign is a special-use or reserved name "
                           "that cannot be used with email."),
    # warehouse's parseaddr (Python 3.13, strict) finds no address in these: none is judged
    ("jane@[192.0.2.1]", None),
    ("jane@demo.test, bob@example.org", None),
    ("Jane <jane@demo.test>, Bob <bob@example.org>", None),
    ("Jane (unclosed <jane@demo.test>", None),
    ('"Jane (unclosed quote <jane@demo.test>', None),
    ('"Jane (x" (unclosed <jane@demo.test>', None),
])
def test_email_addresses_are_judged_in_email_validators_words(address: str,
                                                              why: str | None) -> None:
    """The addresses email-validator refuses for PyPI get its message; others pass."""
    assert addresses.email_problem(address) == (None if why is None else (address, why))


URLS = ["https://example.org", "HTTPS://Example.org/a b", "https:relative", "https:///x",
        "ftp://example.org", "example.org/x", "https://example.org:99999",
        "https://example.org:65535", "https://example.org:65536", "https://u@x.org:70000/",
        "https://[::1]:70000", "https://x.org:123456", " https://example.org", "//x.org",
        "mailto:jane@example.org", "UNKNOWN", "https//example.org", "http:", "Http://x"]


@pytest.mark.parametrize("url", URLS)
def test_urls_are_judged_as_rfc3986_judges_them_for_pypi(url: str) -> None:
    """is_pypi_url agrees with warehouse's is_valid_uri (rfc3986, twine's dependency)."""
    if importlib.util.find_spec("rfc3986") is None:
        pytest.skip("rfc3986 is not installed (twine brings it into the tests session)")
    from rfc3986 import exceptions, uri_reference, validators

    validator = validators.Validator().allow_schemes("http", "https")
    validator.require_presence_of("scheme").check_validity_of("scheme", "host", "port",
                                                              "path", "query")
    try:
        validator.validate(uri_reference(url).normalize())
        expected = True
    except exceptions.ValidationError:
        expected = False
    assert addresses.is_pypi_url(url) is expected


# --- real builds ------------------------------------------------------------------------

REFUSED_PROJECT = {
    "classifiers": ["Programming Language :: Python :: 9", "Natural Language :: Ukranian"],
    "dependencies": [DIRECT],
}


@pytest.mark.slow
@pytest.mark.parametrize("refused", [False, True], ids=["compliant", "refused"])
def test_a_setuptools_build_is_judged_as_pypi_would(project: SampleProject,
                                                    refused: bool) -> None:
    """setuptools builds a local version, a bad and a deprecated classifier, a direct URL
    dependency and a long URL label without complaint; dists-metadata fails each of them
    for both files, while the same project without them passes."""
    if refused:
        text = (project.root / "pyproject.toml").read_text()
        extra = "".join(f"{key} = {value!r}\n" for key, value in REFUSED_PROJECT.items())
        text = text.replace('license = "MIT"\n', f'license = "MIT"\n{extra}')
        project.write("pyproject.toml", text + '\n[project.urls]\n"Where the source code '
                                               'lives today" = "https://example.org"\n')
        project.write("VERSION", "1.2.1+local.7\n")
    project.build()
    finding = metadata(project)
    if not refused:
        assert finding.status is Status.PASS, finding
        return
    assert finding.status is Status.FAIL
    files = "demo_pkg-1.2.1+local.7-py3-none-any.whl, demo_pkg-1.2.1+local.7.tar.gz: "
    for words in ["The use of local versions in '1.2.1+local.7' is not allowed.",
                  "'Programming Language :: Python :: 9' is not a valid classifier.",
                  "The classifier 'Natural Language :: Ukranian' has been deprecated",
                  f"Requires-Dist: Can't have direct dependency: {DIRECT}",
                  "Project-URL: 'Where the source code lives today' must be 32 characters or "
                  "less."]:
        assert f"{files}{words}" in finding.summary
