"""Demonstration data for the actionlearning app.

Pure data: a fictional cohort of the London partnerships accelerated learning
programme. The priorities, problems and outcomes follow the wording of the
programme documents in /work/shared/programme-documents; every person named
here is invented, and every e-mail address is at example.org.
"""

from datetime import date

# ---------------------------------------------------------------------------
# Programme
# ---------------------------------------------------------------------------

PROGRAMME = dict(
    name="London partnerships accelerated learning programme",
    starts_on=date(2026, 9, 1),
    ends_on=date(2027, 8, 31),
    time_zone="Europe/London",
    default_venue="Riverside Room, The Partnership Centre, 18 Tanner's Row, London SE1 3JN",
    conference_on=date(2027, 7, 8),
    description=(
        "London NHS bodies (integrated care boards and NHS trusts) and local authorities have joined forces to develop "
        "accelerated learning about effective partnerships. Pairs of senior managers, with "
        "chief executive support, take on a priority that matters to both agencies in their "
        "borough, supported by monthly action learning sets and lunchtime seminars with "
        "expert speakers. The year ends with a conference and networking event to spread "
        "the learning and good practice."
    ),
)

# ---------------------------------------------------------------------------
# Organisations (8 boroughs)
# ---------------------------------------------------------------------------

ORGANISATIONS = [
    # NHS
    {"name": "Central and North West London NHS Foundation Trust", "kind": "nhs"},
    {"name": "Oxleas NHS Foundation Trust", "kind": "nhs"},
    {"name": "Whittington Health NHS Trust", "kind": "nhs"},
    {"name": "NHS North Central London Integrated Care Board", "kind": "nhs"},
    {"name": "Lewisham and Greenwich NHS Trust", "kind": "nhs"},
    {"name": "East London NHS Foundation Trust", "kind": "nhs"},
    {"name": "NHS South East London Integrated Care Board", "kind": "nhs"},
    {"name": "NHS North East London Integrated Care Board", "kind": "nhs"},
    {"name": "Lewisham Hospital NHS Trust", "kind": "nhs"},
    # Local authorities
    {"name": "London Borough of Camden", "kind": "local_authority"},
    {"name": "Royal Borough of Greenwich", "kind": "local_authority"},
    {"name": "London Borough of Haringey", "kind": "local_authority"},
    {"name": "London Borough of Islington", "kind": "local_authority"},
    {"name": "London Borough of Lewisham", "kind": "local_authority"},
    {"name": "London Borough of Newham", "kind": "local_authority"},
    {"name": "London Borough of Southwark", "kind": "local_authority"},
    {"name": "London Borough of Tower Hamlets", "kind": "local_authority"},
    # Voluntary sector (fictional)
    {"name": "Islington Community Brokerage Trust", "kind": "voluntary"},
    {"name": "Elder Voices Haringey", "kind": "voluntary"},
    # Programme host (fictional)
    {"name": "London Partnerships Learning Network", "kind": "other"},
]

# ---------------------------------------------------------------------------
# People who run the programme
# ---------------------------------------------------------------------------

ORGANISER = dict(
    name="Margaret Osei",
    email="organiser@example.org",
    organisation="London Partnerships Learning Network",
)

FACILITATORS = [
    dict(
        name="Daniel Whitcombe",
        email="daniel.whitcombe@example.org",
        organisation="London Partnerships Learning Network",
    ),
    dict(
        name="Farah Siddiqui",
        email="farah.siddiqui@example.org",
        organisation="London Partnerships Learning Network",
    ),
]

# ---------------------------------------------------------------------------
# Pairs: one NHS and one local-authority manager each, eight real priorities
# ---------------------------------------------------------------------------

PAIRS = [
    {
        "key": "brokerage",
        "borough": "Islington",
        "priority_area": "Third-sector brokerage for personal budget holders",
        "problem_statement": (
            "Personal budget holders were being given a budget but little help to turn it "
            "into a package of care that suited them. Brokerage sat inside council care "
            "management, and the small charities and community groups who know their "
            "localities were not involved. We wanted third sector involvement in brokerage "
            "arrangements assisting personal budget holders in the design of their own "
            "packages of care."
        ),
        "partnering_model": "voluntary",
        "learning_set": 1,
        "members": [
            {
                "name": "Amira Haddad",
                "email": "amira.haddad@example.org",
                "organisation": "NHS North Central London Integrated Care Board",
                "job_title": "Head of Personalisation, Commissioning",
            },
            {
                "name": "Tom Gallagher",
                "email": "tom.gallagher@example.org",
                "organisation": "London Borough of Islington",
                "job_title": "Assistant Director, Adult Social Care",
            },
        ],
    },
    {
        "key": "joint-commissioning",
        "borough": "Southwark",
        "priority_area": "A joint commissioning model",
        "problem_statement": (
            "Commissioning for adults was split between the ICB and the council, with "
            "separate plans, separate budgets and a lack of clarity of roles. Providers "
            "received mixed messages, and decisions taken by one partner had consequences "
            "for the other that nobody had modelled. We needed an agreed joint commissioning "
            "model, with management structure and roles and responsibilities outlined."
        ),
        "partnering_model": "structural",
        "learning_set": 0,
        "members": [
            {
                "name": "Grace Adeyemi",
                "email": "grace.adeyemi@example.org",
                "organisation": "NHS South East London Integrated Care Board",
                "job_title": "Director of Commissioning",
            },
            {
                "name": "Martin Kowalski",
                "email": "martin.kowalski@example.org",
                "organisation": "London Borough of Southwark",
                "job_title": "Assistant Director, Strategy and Commissioning",
            },
        ],
    },
    {
        "key": "health-budgets",
        "borough": "Tower Hamlets",
        "priority_area": "Personal health budgets for adults with complex long-term conditions",
        "problem_statement": (
            "Adults with complex long-term conditions were among the most frequent unplanned "
            "admissions to hospital, yet their care was planned around services rather than "
            "around them. Health and social care assessments were separate and people told us "
            "they wanted more control. We set out to pilot personal health budgets for adults "
            "with complex long-term conditions and at risk of unplanned hospital admission."
        ),
        "partnering_model": "individual",
        "learning_set": 0,
        "members": [
            {
                "name": "Rubina Begum",
                "email": "rubina.begum@example.org",
                "organisation": "NHS North East London Integrated Care Board",
                "job_title": "Head of Long-Term Conditions",
            },
            {
                "name": "Owen Pritchard",
                "email": "owen.pritchard@example.org",
                "organisation": "London Borough of Tower Hamlets",
                "job_title": "Service Manager, Self-Directed Support",
            },
        ],
    },
    {
        "key": "over-75s",
        "borough": "Haringey",
        "priority_area": "Preventive care for all over-75s in Haringey",
        "problem_statement": (
            "Older people in Haringey were reaching services late, often through A&E or a "
            "crisis at home, and many had never had a joined-up review of their health and "
            "social care needs. The ICB and the council each ran some preventive work but "
            "nobody held the whole picture. Our aim was preventive and personalised care for "
            "all over 75 year olds in Haringey."
        ),
        "partnering_model": "voluntary",
        "learning_set": 1,
        "members": [
            {
                "name": "Chinedu Okonkwo",
                "email": "chinedu.okonkwo@example.org",
                "organisation": "Whittington Health NHS Trust",
                "job_title": "Assistant Director, Primary Care",
            },
            {
                "name": "Eleanor Marsh",
                "email": "eleanor.marsh@example.org",
                "organisation": "London Borough of Haringey",
                "job_title": "Head of Older People's Services",
            },
        ],
    },
    {
        "key": "stroke-rehab",
        "borough": "Camden",
        "priority_area": "Stroke and neuro-rehabilitation community service",
        "problem_statement": (
            "People leaving hospital after a stroke, or living with a neurological condition, "
            "met gaps between hospital therapy, community rehabilitation and social care "
            "reablement. Waiting lists and eligibility rules differed between agencies and "
            "families had to find their own way through them. We needed proposals for a "
            "multidisciplinary community service addressing needs on the care pathway for "
            "stroke and neuro-rehabilitation."
        ),
        "partnering_model": "individual",
        "learning_set": 1,
        "members": [
            {
                "name": "Sofia Petrakis",
                "email": "sofia.petrakis@example.org",
                "organisation": "Central and North West London NHS Foundation Trust",
                "job_title": "Head of Rehabilitation Commissioning",
            },
            {
                "name": "Kwame Mensah",
                "email": "kwame.mensah@example.org",
                "organisation": "London Borough of Camden",
                "job_title": "Head of Reablement and Independence",
            },
        ],
    },
    {
        "key": "discharge-spa",
        "borough": "Lewisham",
        "priority_area": "A single point of access for discharge referrals from Lewisham Hospital",
        "problem_statement": (
            "Discharge referrals from Lewisham Hospital went to several different health and "
            "social care teams, by fax, phone and e-mail, with no shared view of who was "
            "waiting. The first few days after transfer home were a worry for patients rather "
            "than a positive experience, and delays were a pressure on beds. We wanted a "
            "single point of access for all discharge referrals across health and social care "
            "from Lewisham Hospital."
        ),
        "partnering_model": "mandated",
        "learning_set": 0,
        "members": [
            {
                "name": "Niamh Doyle",
                "email": "niamh.doyle@example.org",
                "organisation": "Lewisham Hospital NHS Trust",
                "job_title": "Head of Patient Flow and Discharge",
            },
            {
                "name": "Ravi Chandran",
                "email": "ravi.chandran@example.org",
                "organisation": "London Borough of Lewisham",
                "job_title": "Service Manager, Hospital Social Work",
            },
        ],
    },
    {
        "key": "health-visitors",
        "borough": "Greenwich",
        "priority_area": "Health visitors combined with children's centres",
        "problem_statement": (
            "Families with young children saw health visitors in clinics and children's centre "
            "staff in centres, often on different days and different sites, with separate "
            "records. The families who most needed support were the least likely to use "
            "either. We set out to provide high quality integrated services for children and "
            "families, combining health visitor services with children's centre provision."
        ),
        "partnering_model": "structural",
        "learning_set": 0,
        "members": [
            {
                "name": "Hannah Lindqvist",
                "email": "hannah.lindqvist@example.org",
                "organisation": "Oxleas NHS Foundation Trust",
                "job_title": "Head of Children's Community Health Services",
            },
            {
                "name": "Yetunde Bankole",
                "email": "yetunde.bankole@example.org",
                "organisation": "Royal Borough of Greenwich",
                "job_title": "Head of Early Years and Children's Centres",
            },
        ],
    },
    {
        "key": "physical-activity",
        "borough": "Newham",
        "priority_area": "A joint physical activity care pathway",
        "problem_statement": (
            "Inactivity sits behind many of the borough's long-term conditions, yet GP "
            "exercise referral, council leisure centres and community activity groups were "
            "not connected. Many people who were referred dropped out before they started, "
            "and the 'hard to reach' groups with the greatest need were the least likely to "
            "be referred at all. We wanted a joint physical activity care pathway."
        ),
        "partnering_model": "voluntary",
        "learning_set": 1,
        "members": [
            {
                "name": "Marcus Thornton",
                "email": "marcus.thornton@example.org",
                "organisation": "East London NHS Foundation Trust",
                "job_title": "Public Health Lead, Physical Activity",
            },
            {
                "name": "Mei Ling Chan",
                "email": "meiling.chan@example.org",
                "organisation": "London Borough of Newham",
                "job_title": "Head of Leisure and Sport Development",
            },
        ],
    },
]

# ---------------------------------------------------------------------------
# Action learning sets
# ---------------------------------------------------------------------------


LEARNING_SETS = [
    {
        "name": "Thames set",
        "facilitator": 0,
        "ground_rules": (
            "- **What is said in the set stays in the set.** We share learning, not other people's stories.\n"
            "- One person speaks at a time; the presenter owns the issue and the actions.\n"
            "- We ask open questions before we offer advice, and we offer advice only when asked.\n"
            "- We arrive on time, stay to the end and keep phones away.\n"
            "- We challenge ideas, never people, and we expect to be challenged in return.\n"
            "- We come back next month and say honestly what we did with our action points."
        ),
        "series": dict(
            weekday=1,  # Tuesday
            nth=2,  # second Tuesday of the month
            start_time="10:00",
            end_time="13:00",
            first_month=date(2026, 10, 1),
            last_month=date(2027, 6, 1),
        ),
    },
    {
        "name": "Lea set",
        "facilitator": 1,
        "ground_rules": (
            "- **What is said in the set stays in the set.** Nothing is repeated outside without the speaker's permission.\n"
            "- Everyone gets protected time; the facilitator keeps the clock.\n"
            "- Listen to understand, not to reply.\n"
            "- Questions first: help the presenter think rather than solve the problem for them.\n"
            "- Respect both cultures: no organisation's way of working is the default.\n"
            "- Agree action points before we close and review them at the start of the next set.\n"
            "- If you cannot come, tell the facilitator and your partner in advance."
        ),
        "series": dict(
            weekday=3,  # Thursday
            nth=3,  # third Thursday of the month
            start_time="10:00",
            end_time="13:00",
            first_month=date(2026, 10, 1),
            last_month=date(2027, 6, 1),
        ),
    },
]

# ---------------------------------------------------------------------------
# Lunchtime seminars (speakers are fictional)
# ---------------------------------------------------------------------------

SEMINARS = [
    {
        "title": "Partnership working: the facts",
        "speaker": "Dr Alison Prentice",
        "speaker_organisation": "Centre for Health and Local Government Studies",
        "topic": "What the survey evidence says about NHS and local authority partnerships",
        "description": (
            "A tour of the survey figures behind the briefing 'Partnership working: the "
            "facts': 76 per cent of primary care trusts (since replaced) rated their "
            "relationship with their local authority "
            "as good or very good and 81 per cent had co-location of staff or joint service "
            "redesign projects, yet only 10 per cent shared back office functions. With case "
            "studies from the Brighton low vision centre, Kaleidoscope in Lewisham and the "
            "Isle of Wight, and the reminder that good partnerships should work in spite of "
            "financial balance, not depend on it."
        ),
        "on": date(2026, 11, 18),
        "start": "12:30",
        "end": "13:30",
        "venue": "Riverside Room, The Partnership Centre, 18 Tanner's Row, London SE1 3JN",
    },
    {
        "title": "Four models of partnering",
        "speaker": "Professor Samuel Adjei",
        "speaker_organisation": "Metropolitan Institute for Health Services Research",
        "topic": "Individual, voluntary, structural and mandated partnering",
        "description": (
            "Individual partnering can be a cost-effective way to encourage innovation but "
            "falls victim to other work pressures; voluntary partnering rests on shared "
            "interests but needs co-ordination and close monitoring of governance; "
            "structural partnering relies on formal agreements and shared project "
            "management; mandated partnering is support from regulators for a struggling "
            "organisation. The session works through the recipe of leadership, confidence, "
            "data and environment, and asks each pair which form of partnering fits their "
            "context."
        ),
        "on": date(2027, 1, 20),
        "start": "12:30",
        "end": "13:30",
        "venue": "Riverside Room, The Partnership Centre, 18 Tanner's Row, London SE1 3JN",
    },
    {
        "title": "What helps and what hinders partnerships",
        "speaker": "Dr Catherine Lowry",
        "speaker_organisation": "Independent public health adviser",
        "topic": "Leading across boundaries: what makes partnerships tick",
        "description": (
            "Chief executives say that shared goals and priorities, good relationships, "
            "quality communications, clear financial arrangements and a clear structure help "
            "partnership working. Different performance reporting regimes, lack of clarity of "
            "roles, financial arrangements, two-tier arrangements and a lack of clear "
            "leadership hinder it. A practical session on trust, multiple accountability and "
            "the ability to lead and follow."
        ),
        "on": date(2027, 3, 17),
        "start": "12:30",
        "end": "13:30",
        "venue": "Riverside Room, The Partnership Centre, 18 Tanner's Row, London SE1 3JN",
    },
]

# ---------------------------------------------------------------------------
# Closing conference
# ---------------------------------------------------------------------------

CONFERENCE = dict(
    title="Closing conference: better partnerships, better outcomes",
    on=date(2027, 7, 8),
    start="09:30",
    end="16:30",
    venue="Great Hall, The Partnership Centre, 18 Tanner's Row, London SE1 3JN",
    agenda=(
        "- **09:30** Registration, coffee and the case-study gallery\n"
        "- **10:00** Welcome from the programme sponsors and the organiser\n"
        "- **10:20** Keynote: what we have learned about effective partnerships\n"
        "- **10:50** Pair presentations, part 1: *Third-sector brokerage for personal budget holders* (Islington); *A joint commissioning model* (Southwark)\n"
        "- **11:30** Coffee and networking\n"
        "- **11:50** Pair presentations, part 2: *Personal health budgets for adults with complex long-term conditions* (Tower Hamlets); *Preventive care for all over-75s* (Haringey)\n"
        "- **12:30** Lunch and networking; case-study gallery open\n"
        "- **13:30** Pair presentations, part 3: *Stroke and neuro-rehabilitation community service* (Camden); *A single point of access for discharge referrals* (Lewisham)\n"
        "- **14:10** Pair presentations, part 4: *Health visitors combined with children's centres* (Greenwich); *A joint physical activity care pathway* (Newham)\n"
        "- **14:50** Tea\n"
        "- **15:10** Round tables: what helps and what hinders partnerships in your borough\n"
        "- **16:00** Panel: spreading the learning and good practice\n"
        "- **16:25** Close and thanks\n"
        "\n"
        "Each pair has 15 minutes to present and 5 minutes for questions, following the four case-study questions: what was the problem, what did we do, what were the outcomes, what did we learn."
    ),
)

# ---------------------------------------------------------------------------
# Action points from the sets
# ---------------------------------------------------------------------------

ACTION_POINTS = [
    {
        "pair_key": "brokerage",
        "owner_index": 1,
        "text": "Meet the chief executive of Islington Community Brokerage Trust to agree what a pilot brokerage offer would include.",
        "status": "done",
    },
    {
        "pair_key": "joint-commissioning",
        "owner_index": 0,
        "text": "Draft a one-page structure chart for the joint commissioning team, with roles and responsibilities, for both executive teams.",
        "status": "done",
    },
    {
        "pair_key": "health-budgets",
        "owner_index": 0,
        "text": "Agree with information governance leads how GP and social care records can be matched to find adults at risk of unplanned admission.",
        "status": "in_progress",
    },
    {
        "pair_key": "over-75s",
        "owner_index": 1,
        "text": "Invite Elder Voices Haringey to co-design the letter inviting every over-75 to a health and well-being check.",
        "status": "done",
    },
    {
        "pair_key": "stroke-rehab",
        "owner_index": 0,
        "text": "Map every hand-off on the stroke pathway from ward to home, with a stroke survivor and carer in the room.",
        "status": "carried_forward",
    },
    {
        "pair_key": "discharge-spa",
        "owner_index": 1,
        "text": "Test a shared referral form with two wards for four weeks and count referrals that need chasing.",
        "status": "in_progress",
    },
    {
        "pair_key": "health-visitors",
        "owner_index": 0,
        "text": "Find out whether health visitors can record contacts directly from the children's centre without a second log-in.",
        "status": "open",
    },
    {
        "pair_key": "physical-activity",
        "owner_index": 1,
        "text": "Run a separate outcomes survey for leisure centre users on referral.",
        "status": "dropped",
    },
    {
        "pair_key": "physical-activity",
        "owner_index": 0,
        "text": "Ask three GP practices to pilot brief advice on physical activity with a direct referral to the community walking groups.",
        "status": "open",
    },
]

# ---------------------------------------------------------------------------
# Reflective journal entries
# ---------------------------------------------------------------------------

JOURNAL_ENTRIES = [
    # --- brokerage (Islington) ---------------------------------------------
    {
        "pair_key": "brokerage",
        "author_index": 0,
        "title": "First set: naming the problem out loud",
        "body": (
            "I went into the first set thinking our problem was a shortage of brokers. By the "
            "end of the round of questions I was less sure. Tom and I had each described the "
            "problem in our own organisation's language and neither of us had mentioned the "
            "budget holders themselves.\n\n"
            "I felt slightly exposed, and I think that was useful."
        ),
        "what_happened": "I presented our priority first and was asked who actually designs a package of care today.",
        "so_what": "We had agreed a goal without agreeing whose problem it was.",
        "now_what": "Before next month, Tom and I will each write the problem in one sentence and compare.",
        "themes": ["shared goals", "culture"],
        "tags": ["first-set", "problem", "personal-budgets"],
        "visibility": "private",
        "consent": False,
        "case_study_section": "problem",
    },
    {
        "pair_key": "brokerage",
        "author_index": 1,
        "title": "The third sector knows things we don't",
        "body": (
            "We spent a morning with Islington Community Brokerage Trust and two budget "
            "holders. They could name every lunch club, befriending scheme and community "
            "transport service in the north of the borough. Our care managers could name "
            "the three agencies on the framework.\n\n"
            "I had to ignore my preconceptions about what a small charity can deliver. They "
            "can operate flexibly with relatively small amounts of funding, which is exactly "
            "what brokerage needs."
        ),
        "what_happened": "A joint workshop with the voluntary sector and people using personal budgets.",
        "so_what": "The knowledge we were missing was already in the borough, just not in our organisations.",
        "now_what": "Propose a brokerage pilot led by the voluntary sector, with care management as the safety net.",
        "themes": ["third-sector involvement", "stakeholder and community engagement"],
        "tags": ["workshop", "brokerage", "voluntary-sector"],
        "visibility": "set",
        "consent": True,
        "case_study_section": "what_we_did",
    },
    {
        "pair_key": "brokerage",
        "author_index": 0,
        "title": "Who pays the broker?",
        "body": (
            "The hardest conversation this month was about money, not people. If the broker "
            "is paid from the personal budget, the budget holder has less for care; if it is "
            "paid by the council or the ICB, whose contract is it?\n\n"
            "We have agreed a small pooled sum for the pilot and a clear line on who "
            "manages the contract. It is not elegant but it is clear."
        ),
        "what_happened": "Finance colleagues from both organisations joined us for the first time.",
        "so_what": "Clear financial arrangements helped more than any amount of goodwill.",
        "now_what": "",
        "themes": ["financial arrangements", "roles and structure"],
        "tags": ["finance", "contracts"],
        "visibility": "programme",
        "consent": False,
        "case_study_section": None,
    },
    # --- joint commissioning (Southwark) ------------------------------------
    {
        "pair_key": "joint-commissioning",
        "author_index": 1,
        "title": "Two organisation charts on one page",
        "body": (
            "Grace and I put both commissioning structures on one sheet of flipchart paper. "
            "Three people in two organisations were commissioning the same day services and "
            "nobody was commissioning carers' breaks.\n\n"
            "Our directors need to see this picture. The set helped me work out how to show "
            "it without it reading as a criticism of either team."
        ),
        "what_happened": "We mapped every commissioning role in both organisations.",
        "so_what": "The gaps and overlaps make the case for a joint model better than any policy paper.",
        "now_what": "Take the map to both executive teams with a draft structure and roles and responsibilities.",
        "themes": ["roles and structure", "leadership"],
        "tags": ["structure", "mapping"],
        "visibility": "pair",
        "consent": False,
        "case_study_section": "what_we_did",
    },
    {
        "pair_key": "joint-commissioning",
        "author_index": 0,
        "title": "The word 'commissioning' means different things",
        "body": (
            "Half an hour into our steering group it became clear that 'commissioning' meant "
            "contracting to one side of the table and the whole cycle from needs assessment "
            "to review to the other. 'Integrated' was worse.\n\n"
            "We now start every meeting by checking what we mean. It feels slow, but it is "
            "faster than unpicking a decision made on two different understandings."
        ),
        "what_happened": "A steering group stalled on a misunderstanding about words.",
        "so_what": "Different organisations use different definitions; we had assumed we shared ours.",
        "now_what": "Write a short glossary of joint commissioning terms and agree it at the next steering group.",
        "themes": ["communication", "culture"],
        "tags": ["language", "glossary"],
        "visibility": "programme",
        "consent": True,
        "case_study_section": "learning",
    },
    {
        "pair_key": "joint-commissioning",
        "author_index": 1,
        "title": "Frustrated after the board",
        "body": (
            "Writing this on the train home. The board wanted to know which of our own "
            "performance indicators the joint team would improve, and I could only answer for "
            "the council's. The ICB reports to a different regime on a different timetable.\n\n"
            "I need to stop treating this as Grace's problem. It is the partnership's problem, "
            "and it needs leadership from both chief executives."
        ),
        "what_happened": "A difficult question at the council's board about performance measures.",
        "so_what": "Different performance reporting regimes are a real hindrance, not a technicality.",
        "now_what": "Ask both chief executives to sponsor a shared set of measures for the joint team.",
        "themes": ["leadership", "performance reporting"],
        "tags": ["board", "indicators"],
        "visibility": "private",
        "consent": False,
        "case_study_section": None,
    },
    # --- personal health budgets (Tower Hamlets) -----------------------------
    {
        "pair_key": "health-budgets",
        "author_index": 0,
        "title": "Finding the people at risk of admission",
        "body": (
            "We thought selecting people for the pilot would be the easy part. It turns out "
            "that the trust's admissions data and the council's care records have no common "
            "identifier we are allowed to use, and each organisation has a different idea of "
            "what 'complex' means.\n\n"
            "An agreed, achievable dataset is the first piece of work, not an afterthought."
        ),
        "what_happened": "Our first attempt to identify pilot participants from both data systems.",
        "so_what": "Data that is accurate, timely and complete does not happen by itself across two systems.",
        "now_what": "Agree a minimum dataset and reporting timetable with both information teams.",
        "themes": ["data and information"],
        "tags": ["data", "risk-stratification", "pilot"],
        "visibility": "set",
        "consent": True,
        "case_study_section": "problem",
    },
    {
        "pair_key": "health-budgets",
        "author_index": 1,
        "title": "Listening to budget holders",
        "body": (
            "Four of the first budget holders came to talk to the project group. One used "
            "part of her budget for a taxi account so she could get to her pulmonary rehab "
            "sessions; another paid a neighbour to help in the mornings. Neither is "
            "something our services would have offered.\n\n"
            "I came away more confident that giving people control does not mean losing "
            "control of quality."
        ),
        "what_happened": "Pilot participants described how they had used their budgets.",
        "so_what": "Small, personal choices made a real difference to staying well at home.",
        "now_what": "Use their stories, with permission, in the case for extending the pilot.",
        "themes": ["stakeholder and community engagement", "confidence"],
        "tags": ["service-users", "personal-health-budgets"],
        "visibility": "programme",
        "consent": True,
        "case_study_section": "outcomes",
    },
    {
        "pair_key": "health-budgets",
        "author_index": 0,
        "title": "Governance before money",
        "body": (
            "National guidance on personal health budgets changed again this month and the "
            "ICB's finance committee wants to wait. I understand why, but waiting is also a "
            "decision.\n\n"
            "I have been too ready to treat every outside change as a reason to stop. We "
            "need to protect the pilot from distractions rather than pause every time one "
            "arrives."
        ),
        "what_happened": "A change in national guidance led to calls to pause the pilot.",
        "so_what": "External interference will keep coming; the pilot needs a plan for it.",
        "now_what": "",
        "themes": ["financial arrangements", "environment"],
        "tags": ["governance", "national-policy"],
        "visibility": "private",
        "consent": False,
        "case_study_section": None,
    },
    # --- over-75s (Haringey) ------------------------------------------------
    {
        "pair_key": "over-75s",
        "author_index": 1,
        "title": "Every over-75, not just the ones we already know",
        "body": (
            "Our services are good at helping the older people who find us. The set asked "
            "who does not find us, and the honest answer is that we do not know.\n\n"
            "Chinedu and I have agreed that 'all over 75 year olds' means exactly that, and "
            "that Elder Voices Haringey should help us reach the people who never come near "
            "a GP surgery or a council office."
        ),
        "what_happened": "The set challenged our definition of the target group.",
        "so_what": "A shared goal only works if both partners mean the same people by it.",
        "now_what": "Ask Elder Voices Haringey to join the project group.",
        "themes": ["shared goals", "stakeholder and community engagement"],
        "tags": ["older-people", "prevention", "inequalities"],
        "visibility": "pair",
        "consent": True,
        "case_study_section": "problem",
    },
    {
        "pair_key": "over-75s",
        "author_index": 0,
        "title": "Trust took longer than the plan",
        "body": (
            "Our project plan allowed one month for agreeing the invitation letter. It took "
            "three, because each organisation was quietly worried the other would be "
            "blamed if demand went up.\n\n"
            "What changed it was not a better plan but a frank conversation over coffee "
            "after the set. We started with something small, the letter, and got it right "
            "together before moving on to the harder parts."
        ),
        "what_happened": "A simple task took three times as long as planned.",
        "so_what": "The delay was about trust, not about the letter.",
        "now_what": "Build in time for relationships in the next phase instead of pretending it is not needed.",
        "themes": ["relationships and trust", "confidence"],
        "tags": ["trust", "planning"],
        "visibility": "set",
        "consent": False,
        "case_study_section": "learning",
    },
    {
        "pair_key": "over-75s",
        "author_index": 1,
        "title": "Winter arrives early",
        "body": (
            "Hard month.\n"
            "#winterpressures came up again at the set, and this time it was me raising it. "
            "The reablement team has been pulled onto hospital discharges and the preventive "
            "checks are slipping.\n\n"
            "Both organisations report winter performance separately and neither report "
            "counts prevention. If we only measure the crisis, the crisis is what we will "
            "staff."
        ),
        "what_happened": "Winter demand pulled staff away from the preventive checks.",
        "so_what": "What gets reported gets resourced, and prevention is not reported.",
        "now_what": "Add the number of over-75s offered a check to both winter reports.",
        "themes": ["environment", "performance reporting"],
        "tags": ["winter", "capacity", "prevention"],
        "visibility": "set",
        "consent": False,
        "case_study_section": None,
    },
    # --- stroke and neuro-rehabilitation (Camden) ---------------------------
    {
        "pair_key": "stroke-rehab",
        "author_index": 0,
        "title": "Mapping the pathway with a patient in the room",
        "body": (
            "We mapped the stroke pathway with a stroke survivor, her husband and staff from "
            "both organisations. The wall chart had eleven hand-offs; she remembered every one "
            "of them, and which ones had made her cry.\n\n"
            "It changed the tone of the meeting. Nobody defended their service after that; "
            "we talked about her."
        ),
        "what_happened": "A pathway-mapping workshop with a stroke survivor and her carer.",
        "so_what": "Hearing the pathway from the patient's side made the gaps impossible to argue with.",
        "now_what": "Use the map as the basis for the multidisciplinary community service proposal.",
        "themes": ["stakeholder and community engagement", "communication"],
        "tags": ["stroke", "pathway", "co-design"],
        "visibility": "programme",
        "consent": True,
        "case_study_section": "what_we_did",
    },
    {
        "pair_key": "stroke-rehab",
        "author_index": 1,
        "title": "Different waiting lists, different rules",
        "body": (
            "Community neuro-rehabilitation has a waiting list measured in weeks; reablement "
            "measures in days and stops at six weeks. We each report our own target and both "
            "of us are meeting it, while people fall between the two.\n\n"
            "I am not sure whose job it is to fix that, which is probably the point."
        ),
        "what_happened": "We compared waiting times and eligibility across the two services.",
        "so_what": "Both services look fine on their own measures while the pathway fails.",
        "now_what": "",
        "themes": ["performance reporting", "roles and structure"],
        "tags": ["waiting-lists", "eligibility"],
        "visibility": "private",
        "consent": False,
        "case_study_section": "problem",
    },
    {
        "pair_key": "stroke-rehab",
        "author_index": 0,
        "title": "Starting small to build confidence",
        "body": (
            "We wanted to design the whole new service at once. The set suggested starting "
            "with one joint case review a week between the two teams.\n\n"
            "Six weeks in, the therapists and reablement workers are sharing plans without "
            "being asked. Kwame and I are more confident about the bigger proposal because "
            "the teams have already shown it can work."
        ),
        "what_happened": "We began weekly joint case reviews instead of a full redesign.",
        "so_what": "Simple joint projects first built confidence for the more complex work.",
        "now_what": "Write up the case reviews as evidence for the service proposal.",
        "themes": ["confidence", "relationships and trust"],
        "tags": ["case-review", "quick-wins"],
        "visibility": "pair",
        "consent": False,
        "case_study_section": "learning",
    },
    # --- discharge single point of access (Lewisham) ------------------------
    {
        "pair_key": "discharge-spa",
        "author_index": 0,
        "title": "Fourteen routes out of the hospital",
        "body": (
            "We counted the ways a ward can refer a patient for support after discharge: "
            "fourteen, across health and social care, by fax, phone, e-mail and paper form. "
            "No one person could see who was waiting for what.\n\n"
            "Ward staff spend hours chasing referrals. That time is the hidden cost of not "
            "working together."
        ),
        "what_happened": "We audited referral routes from the wards for two weeks.",
        "so_what": "The problem was not a lack of services but too many doors into them.",
        "now_what": "Share the audit with ward managers and the community teams.",
        "themes": ["data and information", "communication"],
        "tags": ["discharge", "audit", "referrals"],
        "visibility": "set",
        "consent": True,
        "case_study_section": "problem",
    },
    {
        "pair_key": "discharge-spa",
        "author_index": 1,
        "title": "Shared inbox, shared responsibility",
        "body": (
            "The single point of access went live on two wards this month with one referral "
            "form and one shared inbox, staffed by a nurse and a social worker side by side.\n\n"
            "The first week exposed every difference in how our teams work. By the third "
            "week they were covering for each other at lunchtime. Sitting together did more "
            "than any protocol."
        ),
        "what_happened": "The single point of access started on two pilot wards.",
        "so_what": "Co-location of staff built working relationships faster than we expected.",
        "now_what": "Agree who triages referrals when the team is short, before we extend to more wards.",
        "themes": ["roles and structure", "relationships and trust"],
        "tags": ["single-point-of-access", "co-location", "pilot"],
        "visibility": "pair",
        "consent": True,
        "case_study_section": "what_we_did",
    },
    {
        "pair_key": "discharge-spa",
        "author_index": 0,
        "title": "A project manager with authority",
        "body": (
            "For four months Ravi and I tried to run the project in the gaps between our day "
            "jobs. It slipped every time there was a bed crisis.\n\n"
            "Once both chief executives agreed to fund a project manager who could make "
            "decisions across both organisations, things moved. Sponsorship from the top "
            "was what let us get past the cultural barriers."
        ),
        "what_happened": "A jointly funded project manager was appointed with delegated authority.",
        "so_what": "Joint work needs strong sponsorship and someone with authority to manage it.",
        "now_what": "Recommend this to the other pairs at the conference.",
        "themes": ["leadership"],
        "tags": ["project-management", "sponsorship"],
        "visibility": "programme",
        "consent": False,
        "case_study_section": "learning",
    },
    # --- health visitors and children's centres (Greenwich) -----------------
    {
        "pair_key": "health-visitors",
        "author_index": 1,
        "title": "Two professions, one front door",
        "body": (
            "I had underestimated how much the health visitors value their clinical "
            "identity. To them, moving into a children's centre felt like being absorbed; to "
            "my staff, the health visitors seemed to be keeping their distance.\n\n"
            "Both were right about how it felt. I need to talk less about integration and "
            "more about what each team keeps."
        ),
        "what_happened": "A tense first meeting between health visitors and children's centre staff.",
        "so_what": "Professional cultures matter as much as buildings.",
        "now_what": "Ask Hannah to co-chair the next staff meeting with me.",
        "themes": ["culture", "relationships and trust"],
        "tags": ["health-visiting", "childrens-centres"],
        "visibility": "private",
        "consent": False,
        "case_study_section": None,
    },
    {
        "pair_key": "health-visitors",
        "author_index": 0,
        "title": "Records that don't talk to each other",
        "body": (
            "A health visitor based in the children's centre needs two computers and two "
            "log-ins to record one visit. Our IT teams each said the other's system was the "
            "problem.\n\n"
            "We have agreed a short shared record of contacts for the pilot centres while the "
            "bigger systems question goes to both IT boards."
        ),
        "what_happened": "We hit the limits of two separate information systems.",
        "so_what": "Different information systems can undo a good partnership on the ground.",
        "now_what": "Escalate the systems question to both IT boards with a joint paper.",
        "themes": ["data and information", "environment"],
        "tags": ["it-systems", "records"],
        "visibility": "pair",
        "consent": False,
        "case_study_section": "what_we_did",
    },
    {
        "pair_key": "health-visitors",
        "author_index": 1,
        "title": "What the parents told us",
        "body": (
            "Parents at the pilot centres say they no longer have to tell their story twice. "
            "One mother said she came to the centre for the weighing clinic and stayed for "
            "the stay-and-play, and that was how she met other parents on her estate.\n\n"
            "That is the outcome we were after: more families, and especially the families "
            "we used to miss, using both services."
        ),
        "what_happened": "Feedback sessions with parents at the pilot children's centres.",
        "so_what": "The combined offer reaches families who did not use either service before.",
        "now_what": "Include parent feedback in the case study and the business case.",
        "themes": ["stakeholder and community engagement", "shared goals"],
        "tags": ["parents", "feedback", "outcomes"],
        "visibility": "programme",
        "consent": True,
        "case_study_section": "outcomes",
    },
    # --- physical activity pathway (Newham) ---------------------------------
    {
        "pair_key": "physical-activity",
        "author_index": 1,
        "title": "A leisure centre is not a clinic",
        "body": (
            "For some people, walking into a leisure centre is as daunting as walking into a "
            "hospital. The community walking groups and the mosque's women-only sessions are "
            "reaching people our referral scheme never has.\n\n"
            "The pathway has to include them, and they will need a small amount of funding "
            "and a lot less paperwork than we usually ask for."
        ),
        "what_happened": "We visited community activity groups alongside the leisure centre.",
        "so_what": "Local voluntary groups reach the people with the greatest need.",
        "now_what": "Bring the community groups into the pathway design group.",
        "themes": ["culture", "third-sector involvement"],
        "tags": ["physical-activity", "community-groups", "inequalities"],
        "visibility": "set",
        "consent": False,
        "case_study_section": "what_we_did",
    },
    {
        "pair_key": "physical-activity",
        "author_index": 0,
        "title": "Counting what matters",
        "body": (
            "The trust wants to count referrals; the council wants to count leisure "
            "memberships. Neither tells us whether people are still active six months later.\n\n"
            "We have agreed one shared measure and split the cost of collecting it. It is the "
            "first time we have funded anything jointly."
        ),
        "what_happened": "We argued about measures and settled on one joint outcome.",
        "so_what": "A shared measure, paid for jointly, gave us a shared stake in the result.",
        "now_what": "Report the six-month measure to both boards from the spring.",
        "themes": ["performance reporting", "data and information", "financial arrangements"],
        "tags": ["measures", "evaluation"],
        "visibility": "pair",
        "consent": False,
        "case_study_section": "outcomes",
    },
    {
        "pair_key": "physical-activity",
        "author_index": 1,
        "title": "Reflecting on the year",
        "body": (
            "A year ago I would not have called myself a leader in health. Now I chair a "
            "pathway group with GPs, physiotherapists and community organisers.\n\n"
            "The set gave me protected time to think, and the confidence to lead and follow "
            "in the same meeting."
        ),
        "what_happened": "Looking back over the programme before the conference.",
        "so_what": "My own leadership changed as much as the service did.",
        "now_what": "Offer to mentor a pair in the next cohort.",
        "themes": ["leadership", "confidence"],
        "tags": ["reflection", "end-of-year"],
        "visibility": "private",
        "consent": False,
        "case_study_section": "learning",
    },
]

# Responses to shared entries (by entry title; from a pair member or a set's facilitator).
JOURNAL_RESPONSES = [
    {
        "entry_title": "The third sector knows things we don't",
        "facilitator": 1,
        "body": "Thank you for bringing the budget holders' view into the set. Would you present the pilot proposal at the next meeting?",
    },
    {
        "entry_title": "The word 'commissioning' means different things",
        "pair_key": "stroke-rehab",
        "member_index": 0,
        "body": "We had exactly the same problem with 'rehabilitation'. Could we borrow your glossary?",
    },
    {
        "entry_title": "Shared inbox, shared responsibility",
        "pair_key": "discharge-spa",
        "member_index": 0,
        "body": "Agreed. Let's take the triage question to the steering group before the next set.",
    },
    {
        "entry_title": "Trust took longer than the plan",
        "pair_key": "brokerage",
        "member_index": 1,
        "body": "It took us two months to agree a joint letter too. It was worth every week.",
    },
]

# ---------------------------------------------------------------------------
# Case studies (four parts each, from the outcomes reported in document 000)
# ---------------------------------------------------------------------------

CASE_STUDIES = [
    {
        "pair_key": "brokerage",
        "title": "Third-sector brokerage for personal budget holders in Islington",
        "summary": (
            "The ICB, the council and local voluntary organisations set up brokerage that "
            "helps personal budget holders design their own packages of care."
        ),
        "problem": (
            "Personal budget holders had money but little help to use it. Brokerage sat "
            "inside council care management, which knew a handful of framework providers, "
            "while the small charities who know their communities were left out.\n\n"
            "Budgets were being spent on the same services people had before, and personal "
            "budgets were not making care more personal."
        ),
        "what_we_did": (
            "We held joint workshops with Islington Community Brokerage Trust and budget "
            "holders, then agreed a brokerage pilot led by the voluntary sector with care "
            "management as the safety net.\n\n"
            "- A small pooled budget from the ICB and the council paid for brokerage, so it "
            "did not come out of people's personal budgets.\n"
            "- One organisation held the contract, with both partners on the monitoring group.\n"
            "- Brokers and care managers met monthly to review difficult cases."
        ),
        "outcomes": (
            "Third sector involvement in brokerage arrangements assisting personal budget "
            "holders in the design of their own packages of care is now part of the standard "
            "offer in Islington.\n\n"
            "Budget holders are using a wider range of local support, including lunch clubs, "
            "befriending and community transport, and care managers have more time for "
            "people with the most complex needs."
        ),
        "learning": (
            "Small charities can operate flexibly with relatively small amounts of funding. "
            "Clear financial arrangements, agreed early, mattered more than goodwill.\n\n"
            "We learned to ignore our preconceptions about what different organisations can "
            "deliver, and to involve budget holders from the first meeting."
        ),
        "key_outcomes": [
            "Voluntary-sector brokerage for personal budget holders",
            "Pooled budget for brokerage",
            "Wider range of local support in care packages",
        ],
        "themes": [
            "third-sector involvement",
            "stakeholder and community engagement",
            "financial arrangements",
        ],
        "status": "approved",
        "return_comment": None,
    },
    {
        "pair_key": "joint-commissioning",
        "title": "An agreed joint commissioning model for Southwark",
        "summary": (
            "The ICB and the council agreed a joint commissioning model, with a management "
            "structure, roles and responsibilities, joint posts and shared work plans."
        ),
        "problem": (
            "Commissioning for adults was split between two organisations with separate plans "
            "and budgets. Roles overlapped in some areas, such as day services, and nobody "
            "commissioned others, such as carers' breaks.\n\n"
            "Decisions taken by one partner had consequences for the other that were neither "
            "discussed nor planned for."
        ),
        "what_we_did": (
            "We mapped every commissioning role in both organisations on one page and took "
            "the picture to both executive teams. A steering group agreed a glossary of terms "
            "before agreeing a structure.\n\n"
            "Both chief executives sponsored a shared set of measures for the joint team, so "
            "that it would not have to answer to two performance regimes."
        ),
        "outcomes": (
            "An agreed joint commissioning model, with management structure and roles and "
            "responsibilities outlined.\n\n"
            "Joint commissioning arrangements are set up, with joint posts and shared work "
            "plans, and providers now receive one set of commissioning intentions."
        ),
        "learning": (
            "Check understanding of words: 'commissioning' and 'integrated' meant different "
            "things on each side of the table.\n\n"
            "Different performance reporting regimes and a lack of clarity of roles hinder "
            "partnership; a clear structure and strong leadership sponsorship help it."
        ),
        "key_outcomes": [
            "Agreed joint commissioning model",
            "Joint posts and shared work plans",
            "One set of commissioning intentions for providers",
        ],
        "themes": ["roles and structure", "leadership", "communication", "performance reporting"],
        "status": "approved",
        "return_comment": None,
    },
    {
        "pair_key": "health-budgets",
        "title": "Personal health budgets for adults with complex long-term conditions in Tower Hamlets",
        "summary": (
            "A pilot of personal health budgets for adults with complex long-term conditions "
            "at risk of unplanned hospital admission."
        ),
        "problem": (
            "Adults with complex long-term conditions were among the most frequent unplanned "
            "admissions to hospital. Their care was planned around services rather than "
            "around them, with separate health and social care assessments."
        ),
        "what_we_did": (
            "We agreed a minimum dataset with both information teams so that people at risk "
            "of admission could be identified, and a single support plan covering health and "
            "social care.\n\n"
            "Budget holders came to the project group to tell us how they had used their "
            "budgets, and their experience shaped the next phase."
        ),
        "outcomes": (
            "Personal health budgets are being piloted for adults with complex long-term "
            "conditions and at risk of unplanned hospital admission.\n\n"
            "Participants have used their budgets in ways our services would not have "
            "offered, such as transport to rehabilitation and help at home in the mornings."
        ),
        "learning": (
            "Data must be accurate, timely and complete, and that does not happen by itself "
            "across two information systems.\n\n"
            "A pilot needs protecting from outside distractions; changes in national guidance "
            "should not be a reason to stop every time."
        ),
        "key_outcomes": [
            "Personal health budget pilot under way",
            "Shared minimum dataset for identifying people at risk",
            "Single support plan across health and social care",
        ],
        "themes": ["data and information", "stakeholder and community engagement", "environment"],
        "status": "submitted",
        "return_comment": None,
    },
    {
        "pair_key": "over-75s",
        "title": "Preventive and personalised care for all over-75s in Haringey",
        "summary": (
            "Every resident aged over 75 in Haringey is offered a joined-up health and "
            "well-being check and a personal plan."
        ),
        "problem": (
            "Older people were reaching services late, often through A&E or a crisis at "
            "home. Preventive work was spread across both organisations and nobody held the "
            "whole picture, least of all for people who never came near a GP surgery or a "
            "council office."
        ),
        "what_we_did": (
            "We agreed that 'all over 75 year olds' meant exactly that. Elder Voices "
            "Haringey joined the project group and co-designed the invitation letter and "
            "the check.\n\n"
            "We started with the letter, got it right together, and then moved to the harder "
            "questions of staffing and follow-up."
        ),
        "outcomes": (
            "Preventive and personalised care for all over 75 year olds in Haringey.\n\n"
            "People who were previously unknown to either organisation have been reached "
            "through the voluntary sector, and prevention now appears in both organisations' "
            "winter reports."
        ),
        "learning": (
            "Trust takes longer than the plan allows, and it is worth building the time in.\n\n"
            "It is vital to jointly engage stakeholders as early as possible; the voluntary "
            "sector reached people we could not."
        ),
        "key_outcomes": [
            "Health and well-being check offered to every over-75",
            "Voluntary-sector partner in the project group",
            "Prevention included in winter reporting",
        ],
        "themes": ["shared goals", "relationships and trust", "third-sector involvement"],
        "status": "approved",
        "return_comment": None,
    },
    {
        "pair_key": "stroke-rehab",
        "title": "A community stroke and neuro-rehabilitation service for Camden",
        "summary": (
            "Proposals for a multidisciplinary community service covering the stroke and "
            "neuro-rehabilitation care pathway."
        ),
        "problem": (
            "People leaving hospital after a stroke, or living with a neurological "
            "condition, met gaps between hospital therapy, community rehabilitation and "
            "social care reablement. Each service met its own targets while people fell "
            "between them."
        ),
        "what_we_did": (
            "We mapped the pathway with a stroke survivor and her husband alongside staff "
            "from both organisations, and found eleven hand-offs.\n\n"
            "Instead of redesigning everything at once, we began weekly joint case reviews "
            "between the rehabilitation and reablement teams."
        ),
        "outcomes": (
            "Proposals for the development of a multidisciplinary community service "
            "addressing needs on the care pathway for stroke and neuro-rehabilitation.\n\n"
            "Improved quality and outcomes for people with stroke, with teams already "
            "sharing plans through the joint case reviews."
        ),
        "learning": (
            "Start with simple joint projects and build confidence before the complex ones. "
            "Hearing the pathway from the patient's side ended the arguments about whose "
            "service was at fault."
        ),
        "key_outcomes": [
            "Proposal for a multidisciplinary community service",
            "Weekly joint case reviews",
            "Pathway mapped with a stroke survivor and carer",
        ],
        "themes": ["confidence", "stakeholder and community engagement", "performance reporting"],
        "status": "submitted",
        "return_comment": None,
    },
    {
        "pair_key": "discharge-spa",
        "title": "A single point of access for discharge referrals from Lewisham Hospital",
        "summary": (
            "One referral form, one shared inbox and one co-located team for all discharge "
            "referrals across health and social care."
        ),
        "problem": (
            "A ward could refer a patient for support after discharge in fourteen different "
            "ways, across health and social care. Nobody could see who was waiting for what, "
            "and ward staff spent hours chasing referrals."
        ),
        "what_we_did": (
            "We audited referral routes, then piloted a single referral form and a shared "
            "inbox on two wards, staffed by a nurse and a social worker side by side.\n\n"
            "Both chief executives funded a project manager with authority to make "
            "decisions across both organisations."
        ),
        "outcomes": (
            "A single point of access for all discharge referrals across health and social "
            "care from Lewisham Hospital.\n\n"
            "Ward staff spend less time chasing referrals, and patients have a clearer "
            "picture of the support waiting for them at home."
        ),
        "learning": (
            "Joint work needs strong leadership sponsorship and management support to "
            "overcome the cultural barriers within the partners. And most obviously, appoint "
            "a project manager with authority to manage."
        ),
        "key_outcomes": [
            "Single point of access for all discharge referrals",
            "Co-located health and social care triage team",
            "Jointly funded project manager",
        ],
        "themes": ["leadership", "roles and structure", "data and information"],
        "status": "approved",
        "return_comment": None,
    },
    {
        "pair_key": "health-visitors",
        "title": "Health visitors and children's centres together in Greenwich",
        "summary": (
            "Health visitor services combined with children's centre provision, for high "
            "quality integrated services for children and families."
        ),
        "problem": (
            "Families saw health visitors and children's centre staff on different days, on "
            "different sites, with separate records. The families who most needed support "
            "were the least likely to use either service."
        ),
        "what_we_did": (
            "Health visitors moved into the pilot children's centres. We agreed a shared "
            "record of contacts while the bigger information systems question went to both "
            "IT boards, and the two service heads co-chaired joint staff meetings."
        ),
        "outcomes": (
            "High quality integrated services for children and families, combining health "
            "visitor services with children's centre provision.\n\n"
            "Parents no longer have to tell their story twice."
        ),
        "learning": ("Professional cultures matter as much as buildings."),
        "key_outcomes": [
            "Health visitors based in children's centres",
            "Shared record of contacts",
        ],
        "themes": ["culture", "data and information", "stakeholder and community engagement"],
        "status": "draft",
        "return_comment": (
            "Thank you, this is a strong start. Please say more about the outcomes for "
            "families you used to miss, and expand 'What did we learn?' into a paragraph or "
            "two before resubmitting."
        ),
    },
    {
        "pair_key": "physical-activity",
        "title": "A joint physical activity care pathway for Newham",
        "summary": (
            "A joint pathway from brief advice in primary care to sustained activity in "
            "leisure centres and community groups."
        ),
        "problem": (
            "GP exercise referral, council leisure centres and community activity groups "
            "were not connected. Many people dropped out before they started, and 'hard to "
            "reach' groups with the greatest need were the least likely to be referred."
        ),
        "what_we_did": (
            "We brought community walking groups and women-only sessions into the pathway "
            "design group alongside GPs and leisure services, and agreed one shared outcome "
            "measure, funded jointly."
        ),
        "outcomes": (
            "A joint physical activity care pathway.\n\n"
            "_Draft: six-month activity figures to follow._"
        ),
        "learning": "",
        "key_outcomes": [
            "Joint physical activity care pathway",
            "Shared six-month outcome measure",
        ],
        "themes": ["third-sector involvement", "performance reporting", "culture"],
        "status": "draft",
        "return_comment": None,
    },
]
