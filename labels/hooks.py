"""What the labels app registers with the layers below it once the app is ready."""

from labels import tasks  # noqa: F401  (the print job)
from labels.bench import bench_label_print
from workshop.labelprint import label_printer_register

label_printer_register(bench_label_print)
