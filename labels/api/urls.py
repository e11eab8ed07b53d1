"""Label routes under /api/ (included by ``workshop/api/urls.py``, names in ``api:``)."""

from django.urls import path, re_path

from labels.api import views

urlpatterns = [
    re_path(
        r"^labels/(?P<template>[a-z_]+)/(?P<code>[A-Za-z0-9-]+)\.(?P<fmt>pdf|zpl|svg|png)$",
        views.LabelFileView.as_view(),
        name="label-file",
    ),
    path("print-jobs/", views.PrintJobListView.as_view(), name="print-jobs"),
    path("print-jobs/<int:pk>/retry/", views.PrintJobRetryView.as_view(), name="print-job-retry"),
    path(
        "print-jobs/<int:pk>/document/",
        views.PrintJobDocumentView.as_view(),
        name="print-job-document",
    ),
]
