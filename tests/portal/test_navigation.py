"""The public page is reachable: from the sign-in page, and from the
header of every page for visitors and signed-in users alike."""

import pytest
from django.urls import reverse

PUBLIC = reverse("public")


@pytest.mark.django_db
def test_sign_in_page_links_to_the_public_page(client):
    text = client.get(reverse("login")).content.decode()
    assert text.count(f'href="{PUBLIC}"') == 2  # in the header and the text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reporter", "leader", "reviewer", "sysadmin"])
def test_header_links_to_the_public_page_for_every_role(client, users, role):
    client.force_login(users[role])
    text = client.get(reverse("tasks:task-list")).content.decode()
    header = text[text.index("<header") : text.index("</header>")]
    assert f'href="{PUBLIC}"' in header


@pytest.mark.django_db
def test_public_page_header_offers_the_sign_in(client, departments):
    text = client.get(PUBLIC).content.decode()
    header = text[text.index("<header") : text.index("</header>")]
    assert f'href="{PUBLIC}"' in header
    assert f'href="{reverse("login")}"' in header
