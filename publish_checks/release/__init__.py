"""The release pipeline and its steps (build, plan, upload, install proof, tag, bump,
rehearsal), run through a Runner. Nothing here imports nox."""
