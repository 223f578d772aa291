"""The web app: questionnaire, results, contract check, saved decisions and the JSON API.

``from seamline.web.app import create_app`` builds a FastAPI app from :class:`seamline.settings.Settings`.
"""
