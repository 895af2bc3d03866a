"""Forms built from data: one builder for every instrument and every form under assets/."""
