"""The household's privacy: the local-only rule (hosts inside the house, pipelines that stay
there), consent to review-sharing, the clips kept under it, and the review page."""
