"""The officer layout: landmarks, language switch, htmx and CSS from this site, no CDN."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

ANY_URL = re.compile(r"https?://[^\s\"'<>)]+")


@pytest.fixture
def home_html(officer_client):
    response = officer_client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_layout_has_landmarks_and_language(home_html):
    assert '<html lang="vi">' in home_html
    assert '<header class="topbar">' in home_html
    assert '<nav class="sidenav" aria-label="Điều hướng chính">' in home_html
    assert '<main id="main" class="content"' in home_html
    assert '<a class="skip-link" href="#main">Chuyển đến nội dung chính</a>' in home_html
    assert "<footer" in home_html
    assert home_html.count("<h1") == 1


@pytest.mark.django_db
def test_language_switch_posts_to_set_language_with_csrf(home_html):
    form = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', home_html, re.S)
    assert form, "language switch missing"
    form_html = form.group(0)
    assert 'name="csrfmiddlewaretoken"' in form_html
    assert 'name="next" value="/"' in form_html
    assert re.search(
        r'value="vi" lang="vi"\s+title="Tiếng Việt" class="current" aria-pressed="true"', form_html
    )
    assert re.search(r'value="en" lang="en"\s+title="English" aria-pressed="false"', form_html)


@pytest.mark.django_db
def test_no_cdn_everything_is_served_from_static(client, home_html):
    login_html = client.get(reverse("login")).content.decode()
    for html in (home_html, login_html):
        assert ANY_URL.findall(html) == []
    for name in (
        "django_htmx/htmx-2.min.js",
        "core/motcua.css",
        "core/motcua.js",
        "core/favicon.svg",
    ):
        assert f'"/static/{name}"' in home_html, name
        assert finders.find(name), name
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
    # htmx sends the CSRF token with every request it makes.
    assert re.search(r"""hx-headers='\{"X-CSRFToken": "[A-Za-z0-9]+"\}'""", home_html)


@pytest.mark.django_db
def test_no_inline_event_handlers(home_html, client):
    # A strict Content-Security-Policy can then forbid inline scripts.
    login_html = client.get(reverse("login")).content.decode()
    for html in (home_html, login_html):
        assert not re.search(r"\son[a-z]+=", html)
        assert "<script>" not in html


@pytest.mark.django_db
def test_messages_area_shows_django_messages(officer, client, rf):
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = officer
    request.session = client.session
    request._messages = FallbackStorage(request)
    messages.success(request, "Đã tiếp nhận hồ sơ 000.00.12.H99-251126-0001.")
    messages.error(request, "Không thể chuyển hồ sơ.")
    html = render_to_string("core/partials/_messages.html", request=request)
    assert 'class="alert alert-success" role="status"' in html
    assert 'class="alert alert-error" role="alert"' in html
    assert "000.00.12.H99-251126-0001" in html
    assert 'aria-label="Đóng thông báo"' in html


@pytest.mark.django_db
def test_messages_area_is_empty_without_messages(home_html):
    # Empty, so that CSS (.messages:empty) collapses it.
    assert '<div id="messages" class="messages" aria-live="polite"></div>' in home_html


@pytest.mark.django_db
def test_htmx_request_for_messages_can_swap_out_of_band(rf):
    from django.template.loader import render_to_string

    html = render_to_string("core/partials/_messages.html", {"oob": True, "messages": []})
    assert 'id="messages"' in html
    assert 'hx-swap-oob="true"' in html
