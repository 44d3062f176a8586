"""The two front ends of the pipeline, the ``publish-checks`` command and the nox sessions,
and what they show people."""
