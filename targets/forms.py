from django import forms
from django.utils import timezone


class ReadingForm(forms.Form):
    """A reviewer's reading of a target. The value is kept as typed: the
    service reads it ("1,200" too) and applies the target's rules, so that
    the form and the monthly report refuse the same values alike."""

    value = forms.CharField(label="数值", max_length=32)
    as_of = forms.DateField(
        label="截至日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"as_of": timezone.localdate()})
        super().__init__(*args, **kwargs)
