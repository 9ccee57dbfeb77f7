"""The words the synthetic articles are written with: grades, labels, recommendations, headlines,
publishers, filler paragraphs. Data only, kept apart from the code that writes with it."""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
REFERENCE = PROJECT / "reference"

MIN_BYTES, MAX_BYTES = 2_100, 6_900  # articles stay inside 2-7 KB whichever KB is meant
MIN_RECORDS, MAX_RECORDS = 15, 39  # records per mapping; with the source block, 16-40 facts
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


GRADE_WORDS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "adequate": "Adequate",
    "inadequate": "Inadequate",
}
GRADES_BY_FRAMEWORK = {
    "slac": (("outstanding", 1), ("good", 4), ("adequate", 5), ("inadequate", 3)),
    "sif": (("outstanding", 1), ("good", 4), ("requires_improvement", 6), ("inadequate", 3)),
    "ilacs": (("outstanding", 2), ("good", 5), ("requires_improvement", 5), ("inadequate", 2)),
}
# Judgement labels as reports and the press word them (all in reference/judgement_areas.csv).
LABELS = {
    "slac": ("Overall effectiveness of safeguarding services",
             "Overall effectiveness of services for looked after children",
             "Leadership and management"),
    "sif": ("Children who need help and protection", "Children looked after and achieving permanence",
            "Adoption performance", "Experiences and progress of care leavers",
            "Leadership, management and governance", "Local Safeguarding Children Board"),
    "ilacs": ("The experiences and progress of children who need help and protection",
              "The experiences and progress of children in care and care leavers",
              "The impact of leaders on social work practice with children and families"),
    "ilacs2023": ("The experiences and progress of children who need help and protection",
                  "The experiences and progress of children in care",
                  "The experiences and progress of care leavers",
                  "The impact of leaders on social work practice with children and families"),
}
KIND_WORDS = {
    "full_inspection": "inspection",
    "monitoring_visit": "monitoring visit",
    "focused_visit": "focused visit",
    "joint_targeted_area_inspection": "joint targeted area inspection",
}

# Recommendation wording: (theme, text). Texts never contain one another, so each is a unique quote.
RECOMMENDATIONS = (
    ("front_door", "strengthen decision-making when contacts and referrals are first received"),
    ("front_door", "ensure that thresholds are understood and applied consistently by partner agencies"),
    ("front_door", "improve the timeliness of management decisions on new contacts"),
    ("assessment_and_risk", "improve the quality and timeliness of assessments of risk"),
    ("assessment_and_risk", "make sure that plans address the risks identified in assessments"),
    ("assessment_and_risk", "address the effectiveness of risk assessments for children living with domestic abuse"),
    ("child_protection", "convene strategy meetings promptly when children are at risk of significant harm"),
    ("child_protection", "ensure that child protection plans are specific, measurable and reviewed"),
    ("child_protection", "involve all relevant agencies in child protection enquiries"),
    ("children_in_need", "ensure support for children in need is consistently of a high standard"),
    ("children_in_need", "review the plans of children in need whose circumstances have not improved"),
    ("children_in_care", "increase the sufficiency of local placements for children in care"),
    ("children_in_care", "make timely permanence decisions for children who cannot return home"),
    ("children_in_care", "improve the quality of care plans for children placed at a distance"),
    ("care_leavers", "develop the pathway plans of care leavers with the young people themselves"),
    ("care_leavers", "stop placing care leavers in bed and breakfast accommodation"),
    ("care_leavers", "keep in touch with every care leaver up to the age of 25"),
    ("disabled_children", "improve the timeliness of assessments for disabled children"),
    ("disabled_children", "strengthen transition planning for disabled young people"),
    ("exploitation", "improve the response to children who go missing from home or care"),
    ("exploitation", "offer every child found after a missing episode a return home interview"),
    ("exploitation", "identify and reduce the risks to children at risk of criminal exploitation"),
    ("elective_home_education", "offer more assistance to the growing numbers of children educated at home"),
    ("voice_of_the_child", "make sure that the views of children are sought and recorded in their plans"),
    ("voice_of_the_child", "use the wishes and feelings of children to shape the services they receive"),
    ("record_keeping", "keep accurate records of decisions made at daily safeguarding meetings"),
    ("record_keeping", "improve case recording so that the child's history is clear"),
    ("information_sharing", "share information with schools and health partners in good time"),
    ("information_sharing", "agree with the police how notifications of domestic abuse are passed on"),
    ("quality_assurance", "make audits evaluate the impact of practice rather than describe it"),
    ("quality_assurance", "strengthen management oversight and supervision of frontline social work"),
    ("quality_assurance", "ensure that performance information is accurate and used by managers"),
    ("leadership_and_management", "give senior leaders an accurate understanding of the quality of practice"),
    ("leadership_and_management", "ensure that elected members scrutinise the progress of the improvement plan"),
    ("workforce", "reduce the reliance on agency social workers"),
    ("workforce", "reduce caseloads so that social workers can spend time with children"),
    ("workforce", "provide newly qualified social workers with protected caseloads and training"),
    ("other", "improve the sufficiency of early help services across the county"),
    ("other", "work with partners to improve the health assessments of children in care"),
    ("other", "review the commissioning of advocacy services for children"),
)
PURPOSES = (
    "children's services to speed up improvement", "recruiting and retaining permanent social workers",
    "its service and workforce", "early help and family support", "new children's homes within the county",
    "reducing social work caseloads", "its front door and multi-agency safeguarding hub",
    "services for care leavers", "a new edge of care team", "training for frontline managers",
)
HEADLINES_GRADED = (
    "Ofsted rates council {g} amid concerns over leadership",
    "{c} children's services rated {g} by Ofsted",
    "Inspectors judge {c} children's services to be {g}",
    "{g} rating for {c} after Ofsted inspection",
    "Ofsted verdict on {c}: children's services {g}",
)
HEADLINES_VISIT = (
    "Ofsted warns {c} over children left at risk",
    "Inspectors find progress in {c} children's services",
    "{c}: Ofsted {k} finds work still to do",
    "Ofsted {k} to {c} children's services raises concerns",
)
PUBLISHERS = ("CYP Now", "Children's Services Weekly", "Local Gov Review", "The Social Work Post", "Care Today")
BYLINES = ("Joe Lepper", "Amelia Hart", "Tom Cheshire", "Priya Natarajan", "Sam Whitmore", "Rachel Ode",
           "Daniel Price", "Hannah Wu")
OFFICIALS = ("director of children's services", "cabinet member for children and young people",
             "chief executive", "lead member for children's services", "interim director of children's services")
NAMES = ("Alison Williams", "Pete Bungard", "Samuel Bromiley", "Chris Sivers", "Peter Murphy", "Jon Hunt",
         "Mary Okafor", "Gareth Lewis", "Helen Brook", "Imran Shah", "Claire Dunn", "Robert Hale")

# Paragraphs with no fact in them: findings, praise, council responses. {c}, {p}, {a} are filled.
FILLER = (
    "Inspectors found that {p} senior leaders had an accurate understanding of the services' strengths and "
    "weaknesses, but that improvements had not been sustained because of a high turnover of social workers.",
    "\"Children are not always seen quickly enough by social workers, and some are left in situations of "
    "unassessed risk for too long,\" the report states.",
    "Staff told inspectors they felt well supported by visible and approachable managers, and caseloads had "
    "reduced since the last visit, although some remained too high.",
    "The report noted that corporate parenting is a strength, with elected members who know the children in "
    "their care and champion their interests.",
    "\"Relationships between senior managers and practitioners have broken down,\" the report states, adding "
    "that a high number of staff felt unable to challenge poor practice.",
    "Inspectors praised the quality of direct work with children, which was described as thoughtful and "
    "creative, and said children's views were heard.",
    "Management oversight was found to be weak in too many cases, with supervision records that did not show "
    "how decisions had been reached.",
    "The quality of assessments was described as variable: the best were thorough and analytical, but too many "
    "were descriptive and over-optimistic about the risks to children.",
    "Looked-after children are doing less well at school than their peers, and attendance for young people in "
    "Year 11 and above was found to be poor.",
    "Partnership working with the police and health services had improved, inspectors said, although "
    "information was not always shared quickly enough.",
    "Care leavers told inspectors that their personal advisers knew them well and helped them into education, "
    "employment and training.",
    "Identification and support for children at risk of sexual exploitation is improving, but return home "
    "interviews were not always offered after a child was found.",
    "The council said it had already produced an improvement plan with the support of the Department for "
    "Education and the Local Government Association.",
    "The leader of {c} said: \"I want to thank our social workers, who do an incredibly difficult job with "
    "real commitment. We accept the findings in full and we will act on them.\"",
    "A spokesperson for {c} said the council was \"deeply disappointed\" but that steps were already being "
    "taken to bring about rapid improvement.",
    "\"We are continuing to move in the right direction, but we recognise there is still further to go to "
    "bring all social work practice to the same consistently high standard,\" the council said.",
    "Inspectors said the council's response to children who go missing was timely, and that multi-agency "
    "meetings were well attended.",
    "The use of agency staff remains high, inspectors said, and recruitment of experienced permanent social "
    "workers continues to be a challenge for the authority.",
    "Ofsted found that children in care live in stable placements, and that most are making good progress at "
    "school and in their health.",
    "\"Emerging strengths are evident in the quality of direct work with children and a greater focus on "
    "achieving early permanence,\" inspectors wrote.",
    "The report said that a culture of learning and self-reflection was being embedded across the service, "
    "and that audit activity was beginning to drive improvement.",
    "Despite the weaknesses identified, Ofsted noted an appropriate focus on tackling high caseloads, in part "
    "by investment to address recruitment and retention difficulties.",
    "Union representatives said staff had been working under intense pressure for months and welcomed the "
    "inspectors' recognition that frontline workers were not to blame.",
    "Opposition councillors called for an independent review of how the service had been run and for regular "
    "public reports on its progress.",
    "The Department for Education said it would continue to work closely with {c} and monitor its progress "
    "against the improvement plan.",
    "Inspectors highlighted delays in care proceedings, which meant some children waited too long for a "
    "decision about where they would live permanently.",
    "A newly introduced electronic recording system is beginning to improve the quality and timeliness of "
    "case recording, the report said.",
    "Independent reviewing officers were found to have manageable caseloads, but their challenge was not "
    "always effective in preventing drift for children.",
    "The local safeguarding partnership was said to provide effective challenge, with multi-agency audits "
    "that had led to changes in practice.",
    "\"We have made this progress thanks to a fantastic amount of work from our dedicated staff,\" a council "
    "spokesperson said.",
    "Children's charities said the findings showed the pressure on councils' budgets and called for more "
    "funding for early help across the country.",
    "Inspectors said the authority's early help offer was well developed, with family support workers based "
    "in schools and children's centres.",
)
FOOTERS = (
    "{p} Digital membership\n\n  • Latest digital issues\n  • Latest online articles\n  • Archive of more "
    "than 60,000 articles\n\nSubscribe",
    "Sign-up for our newsletter",
    "Share this article\n\nRelated articles\n\n  • Councils face rising demand for children's social care\n  "
    "• How one authority turned around its front door",
    "Copyright {p}. All rights reserved.",
)


