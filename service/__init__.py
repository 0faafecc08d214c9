"""vanban: Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP) as DOCX and PDF."""

from service.app import create_app

__all__ = ["create_app"]
