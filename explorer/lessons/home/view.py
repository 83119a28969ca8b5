"""Overview: the vanishing/exploding-gradient problem on one screen."""

import streamlit as st

from explorer import format as fmt
from explorer import sim
from explorer.app.registry import PAGES, SECTIONS
from explorer.lessons.home.path import LECTURE, PATHS

st.title("Gradient Explorer")
SHRINK, GROW, STEPS = 0.9, 1.1, 50
st.markdown(
    "Training a network means sending an error signal backwards through it. On the way, the signal is "
    "multiplied by one Jacobian matrix per layer, or per time step in a recurrent network. "
    f"Scale it by {SHRINK} at each of {STEPS} steps and {SHRINK ** STEPS:.2%} of it is left; "
    f"by {GROW}, and it grows {GROW ** STEPS:.0f}-fold. The loss is exponential in the number of steps, so "
    f"even {0.99} per step leaves {0.99 ** STEPS:.0%} after {STEPS} steps but {fmt.fmt_sci(0.99 ** 1000)} after "
    "1,000. That is the whole problem, and every page here lets you **see it happen and check the numbers**."
)

left, right = st.columns(2, gap="large")
with left:
    st.subheader("The one equation")
    st.latex(r"\frac{\partial x_t}{\partial x_k}=\prod_{j=k+1}^{t} W_{\mathrm{rec}}\,"
             r"\operatorname{diag}\!\bigl(\sigma'(x_{j-1})\bigr)")
    st.latex(r"\Bigl\|\frac{\partial x_t}{\partial x_k}\Bigr\|_2\le\bigl(\|W_{\mathrm{rec}}\|_2\,\gamma\bigr)^{t-k},"
             r"\qquad \gamma=\sup|\sigma'|")
    st.markdown(
        "The product has **t − k factors**. Each one is the same W_rec times a *different* diagonal of "
        "slopes σ′, taken at that step's state. If every factor shrinks vectors (‖W_rec‖·γ < 1) the product "
        "must vanish exponentially (Pascanu, Mikolov & Bengio, 2013); if factors stretch, it can explode. "
        "Only for a linear map are the factors all equal, and then the eigenvalues of W decide: "
        "Wᵗ = V diag(λ)ᵗ V⁻¹ (Goodfellow, Bengio & Courville, *Deep Learning*, §8.2.5)."
    )
with right:
    st.subheader("A number to start with")
    act = sim.activation("sigmoid")
    depth = sim.layers_to_reach(act.gamma, 1e-6)
    st.metric("Sigmoid layers until the best case is below 10⁻⁶", f"{depth}",
              help="γ = 1/4 for the sigmoid, and 0.25^10 ≈ 9.5e-7.")
    st.markdown(
        f"The sigmoid's slope never exceeds γ = {act.gamma:g}. Even if every unit sat at its steepest point "
        f"and every weight matrix had norm 1, ten layers would already scale the gradient by {act.gamma**10:.1e}."
    )

st.subheader("Pages")
for section in SECTIONS:
    specs = [p for p in PAGES if p.section == section]
    if not specs:
        continue
    st.markdown(f"**{section}**")
    for p in specs:
        st.page_link(p.path, label=f"{p.title}: {p.blurb}", icon=p.icon)

st.subheader("Lesson paths")
st.markdown(
    "Two routes through the pages. At each stop, ask the question **before** anyone touches a control: "
    "predicting an outcome first and then checking it makes the result stick better than just watching it "
    "(Brod, 2021, on generative learning). Stops marked *predict, then reveal* open the page's own question, "
    "which lets every viewer commit to an answer and then shows the numbers that settle it."
)
for tab, stops in zip(st.tabs(list(PATHS)), PATHS.values(), strict=True):
    lecture = stops is LECTURE
    with tab:
        if lecture:
            st.caption(f"{sum(s.minutes for s in stops)} minutes. Each link opens in presenter mode "
                       "(large type, one figure at a time; remove `present=1` for the desk view).")
        for i, stop in enumerate(stops, start=1):
            kind = " · *predict, then reveal*" if stop.question else ""
            st.markdown(
                f"**{i}. [{stop.spec.title}: {stop.scenario_label}]({stop.link(present=lecture)})** "
                f"({stop.minutes} min{kind})  \n"
                f":material/quiz: **Ask:** {stop.question_text()}  \n"
                f":material/visibility: **Notice:** {stop.notice}"
            )

st.caption(
    "Every control is stored in the address bar: copy it to share the exact view. "
    "Add `present=1` for a projector, `hide=seed,steps` to hide controls from students (the sidebar's "
    "*Classroom link* writes such links), and `embed=true` to put a page in an iframe. "
    "Sources: Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural networks*; "
    "Goodfellow, Bengio & Courville (2016), *Deep Learning*, §8.2.5 and §10.11; "
    "Nielsen, *Neural Networks and Deep Learning*, ch. 5; "
    "Brod (2021), *Generative learning: Which strategies for what age?*, Educational Psychology Review."
)
