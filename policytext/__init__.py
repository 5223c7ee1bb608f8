"""Reading Chinese policy documents: plain Python, no Django.

Everything here works on a string and returns plain values, so it can be
used from a shell on any text and tested without a database:

- text: full/half width, wraps and spaces, name keys, whole numbers;
- numerals: Chinese numerals (十二, 一万五千);
- structure: header, 主要任务 sections, key tasks and their role notes;
- targets: quantified targets in a sentence;
- extraction: the candidate targets of a whole policy (annex rows and text);
- document: any office's document read into items, role notes and targets;
- scoring: a reading compared with hand annotations.

A problem with the text raises errors.ReadFailed, in Chinese.
"""

from .document import Document, Item, Target, read_document

__all__ = ["Document", "Item", "Target", "read_document"]
