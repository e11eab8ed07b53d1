"""Screens of association accounts: sign-up, e-mail confirmation, sign-in (Django's auth
views), the account holder's page with their basket, orders, invoices and warranties.

Thin views: the rules are ``shop.services.accounts`` and ``shop.services.orders``; a refusal
shows the ``DomainError`` message and changes nothing.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import (
    url_has_allowed_host_and_scheme,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shop import services
from shop.invoices import credit_note_pdf, invoice_pdf
from shop.mail import shop_mail
from shop.models import BuyerAccount, CreditNote, Order, Sale, SaleLine
from shop.selectors_orders import account_offers, basket_of
from shop.services.accounts import email_confirmation_token
from workshop.exceptions import DomainError
from workshop.models import Site
from workshop.security import client_ip

ACCOUNT = "shop:account"


class SignupForm(forms.Form):
    site = forms.ModelChoiceField(
        label=gettext_lazy("Shop you buy from"), queryset=Site.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of organisation"),
        choices=[(k.value, k.label) for k in BuyerAccount.KINDS],
    )
    legal_name = forms.CharField(label=gettext_lazy("Legal name, as registered"), max_length=160)
    rna = forms.CharField(label=gettext_lazy("RNA number"), max_length=20, required=False)
    siren = forms.CharField(label=gettext_lazy("SIREN"), max_length=20, required=False)
    siret = forms.CharField(label=gettext_lazy("SIRET"), max_length=20, required=False)
    address = forms.CharField(
        label=gettext_lazy("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_name = forms.CharField(label=gettext_lazy("Contact person"), max_length=120)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    password = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.order_by("code")


def _signup_allowed(request) -> bool:
    """A cache-based limit: ``ATELIER_SIGNUP_PER_HOUR`` sign-ups per client address."""
    limit = int(getattr(settings, "ATELIER_SIGNUP_PER_HOUR", 5) or 0)
    if limit <= 0:
        return True
    key = f"shop-signup:{client_ip(request) or '-'}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= limit


def _confirm_url(request):
    def build(user) -> str:
        path = reverse(
            "shop:account_confirm",
            args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                email_confirmation_token.make_token(user),
            ],
        )
        return request.build_absolute_uri(path)

    return build


def signup(request):
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not _signup_allowed(request):
            messages.error(
                request,
                _("Too many sign-ups from this address: try again in an hour, or call the shop."),
                extra_tags="signup_throttled",
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.account_signup(
                    site=data["site"],
                    kind=data["kind"],
                    legal_name=data["legal_name"],
                    rna=data["rna"],
                    siren=data["siren"],
                    siret=data["siret"],
                    address=data["address"],
                    contact_name=data["contact_name"],
                    phone=data["phone"],
                    email=data["email"],
                    password=data["password"],
                    confirm_url=_confirm_url(request),
                    language=translation.get_language(),
                )
            except DomainError as error:
                messages.error(request, error.message, extra_tags=error.code)
                for field, errors in (error.fields or {}).items():
                    target = field if field in form.fields else None
                    for text in errors:
                        form.add_error(target, text)
                status = 400
            else:
                return redirect("shop:account_signup_sent")
        else:
            status = 400
    return render(request, "shop/account/signup.html", {"form": form}, status=status)


def signup_sent(request):
    return render(request, "shop/account/signup_sent.html")


def confirm(request, uidb64: str, token: str):
    User = get_user_model()
    try:
        user = User.objects.filter(pk=int(urlsafe_base64_decode(uidb64).decode())).first()
    except (ValueError, TypeError, UnicodeDecodeError):
        user = None
    try:
        services.account_confirm_email(user=user, token=token)
    except DomainError as error:
        return render(request, "shop/account/confirmed.html", {"error": error.message}, status=400)
    return render(request, "shop/account/confirmed.html", {"error": ""})


class AccountPasswordResetForm(PasswordResetForm):
    """Django's reset form, its e-mail sent through the shop's mail job (French, HTML too)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        link = "{protocol}://{domain}{path}".format(
            protocol=context["protocol"],
            domain=context["domain"],
            path=reverse("shop:account_reset_confirm", args=[context["uid"], context["token"]]),
        )
        user = context.get("user")
        account = BuyerAccount.objects.filter(user=user).first() if user is not None else None
        shop_mail(
            to=to_email,
            template="shop/mail/password_reset",
            context={"link": link},
            language=account.language if account else translation.get_language(),
        )


class SignIn(auth_views.LoginView):
    template_name = "shop/account/signin.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return reverse(ACCOUNT)


def account_required(view):
    """A signed-in account holder (a person with a ``BuyerAccount``)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('shop:account_signin')}?next={request.get_full_path()}")
        account = (
            BuyerAccount.objects.select_related("site", "buyer").filter(user=request.user).first()
        )
        if account is None:
            raise Http404
        request.account = account
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            messages.error(request, error.message, extra_tags=error.code)
            back = request.POST.get("back") or ""
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = reverse(ACCOUNT)
            return redirect(back)

    return wrapped


@account_required
def account_home(request):
    account = request.account
    orders, sales, notes, warranties = [], [], [], []
    if account.buyer_id:
        orders = list(
            Order.objects.filter(account=account)
            .exclude(status=Order.Status.BASKET)
            .select_related("sale")
            .order_by("-placed_at", "-id")[:50]
        )
        sales = list(Sale.objects.filter(buyer_id=account.buyer_id).order_by("-completed_at")[:50])
        notes = list(
            CreditNote.objects.filter(sale__buyer_id=account.buyer_id)
            .select_related("sale")
            .order_by("-pk")[:50]
        )
        warranties = list(
            SaleLine.objects.filter(sale__buyer_id=account.buyer_id, returned=False)
            .select_related("sale")
            .order_by("-sale__completed_at", "position")[:100]
        )
    basket = basket_of(account)
    return render(
        request,
        "shop/account/home.html",
        {
            "account": account,
            "orders": orders,
            "sales": sales,
            "notes": notes,
            "warranties": warranties,
            "basket": basket,
            "today": timezone.localdate(),
        },
    )


@account_required
def offers(request):
    """The offers on sale at the account's shop (a plain list until the catalogue lands)."""
    return render(
        request,
        "shop/account/offers.html",
        {"account": request.account, "offers": account_offers(request.account)},
    )


OFFER_FIELDS = ("category", "make", "model", "grade", "site", "kit")


@require_POST
def basket_add(request):
    """Reserve one device matching a catalogue offer (or a kit) into the signed-in account's
    basket; the fields are the catalogue offer's hidden inputs."""
    if not request.user.is_authenticated or not hasattr(request.user, "buyer_account"):
        return redirect(f"{reverse('shop:account_signin')}?next={reverse(ACCOUNT)}")
    return _basket_add(request)


@account_required
def _basket_add(request):
    values = {name: (request.POST.get(name) or "").strip()[:160] for name in OFFER_FIELDS}
    lines = services.basket_add(account=request.account, **values)
    names = ", ".join(
        line.kit.tag if line.kit_id else f"{line.device.make} {line.device.model}".strip()
        for line in lines[:1]
    )
    messages.success(
        request,
        _("%(item)s is held for you for %(minutes)s minutes: place the order before then.")
        % {"item": names, "minutes": services.orders.hold_minutes()},
    )
    return redirect("shop:basket")


@account_required
def basket(request):
    return render(
        request,
        "shop/account/basket.html",
        {
            "account": request.account,
            "basket": basket_of(request.account),
            "fulfilments": Order.Fulfilment.choices,
            "now": timezone.now(),
        },
    )


@require_POST
@account_required
def basket_remove(request):
    try:
        line_id = int(request.POST.get("line", ""))
    except ValueError:
        line_id = 0
    services.basket_remove(account=request.account, line_id=line_id)
    messages.success(request, _("Removed from your basket: it is back on sale."))
    return redirect("shop:basket")


@require_POST
@account_required
def basket_place(request):
    try:
        order = services.order_place(
            account=request.account,
            fulfilment=request.POST.get("fulfilment", ""),
            delivery_address=request.POST.get("delivery_address", "")[:1000],
            note=request.POST.get("note", "")[:1000],
        )
    except DomainError as error:
        messages.error(request, error.message, extra_tags=error.code)
        return redirect("shop:basket")
    messages.success(
        request,
        _("Order %(number)s is placed: the shop prepares it and e-mails you.")
        % {"number": order.number},
    )
    return redirect("shop:account_order", pk=order.pk)


def _own_order(request, pk) -> Order:
    order = (
        Order.objects.filter(pk=pk, account=request.account)
        .exclude(status=Order.Status.BASKET)
        .select_related("sale", "site")
        .first()
    )
    if order is None:
        raise Http404
    return order


@account_required
def account_order(request, pk: int):
    order = _own_order(request, pk)
    return render(
        request,
        "shop/account/order.html",
        {
            "account": request.account,
            "order": order,
            "lines": list(order.lines.select_related("device__category", "device__grade", "kit")),
            "events": list(order.events.all()),
            "cancellable": order.status in Order.TO_PREPARE,
        },
    )


@require_POST
@account_required
def account_order_cancel(request, pk: int):
    order = _own_order(request, pk)
    services.order_cancel(order=order, account=request.account, reason=_("By the buyer"))
    messages.success(request, _("Order %(number)s is cancelled.") % {"number": order.number})
    return redirect("shop:account_order", pk=order.pk)


@account_required
def account_invoice(request, pk: int):
    sale = Sale.objects.filter(pk=pk, buyer_id=request.account.buyer_id or 0).first()
    if sale is None:
        raise Http404
    response = HttpResponse(invoice_pdf(sale), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{sale.number}.pdf"'
    return response


@account_required
def account_credit_note(request, pk: int):
    note = (
        CreditNote.objects.filter(pk=pk, sale__buyer_id=request.account.buyer_id or 0)
        .select_related("sale")
        .first()
    )
    if note is None:
        raise Http404
    response = HttpResponse(credit_note_pdf(note), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{note.number}.pdf"'
    return response


password_reset = auth_views.PasswordResetView.as_view(
    template_name="shop/account/password_reset.html",
    form_class=AccountPasswordResetForm,
    success_url=reverse_lazy("shop:account_reset_sent"),
)
password_reset_sent = auth_views.PasswordResetDoneView.as_view(
    template_name="shop/account/password_reset_sent.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="shop/account/password_reset_confirm.html",
    success_url=reverse_lazy("shop:account_reset_done"),
)
password_reset_done = auth_views.PasswordResetCompleteView.as_view(
    template_name="shop/account/password_reset_done.html"
)
password_change = auth_views.PasswordChangeView.as_view(
    template_name="shop/account/password_change.html", success_url=reverse_lazy(ACCOUNT)
)
signin = SignIn.as_view()
signout = auth_views.LogoutView.as_view(next_page=reverse_lazy("shop:account_signin"))
