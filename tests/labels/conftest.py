from tests.labels.label_samples import template_name  # noqa: F401  (fixture)
