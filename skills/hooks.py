"""What the skills app registers with the workshop layer once it is ready: its framework."""

from workshop.reference import reference_seed_register

reference_seed_register("skills.migrations.0002_seed_framework", probe="skills.Skill", order=60)
