"""Who holds which place in a programme: the conditions every access rule is built on.

Each is stated once here, as SQL for other queries to compose (as the journal's VISIBLE
is), after pretalx's `*_for_user` idea: who organises a programme, who facilitates a
learning set, who belongs to one through their pair. Who may see a meeting, a case study
or a person is then a query in its own domain built from these. It imports nothing of
ours, so every domain may use it: audit and mail need the organiser rule too, and
programmes imports them.

`person` and `programme` are SQL expressions: a parameter (":me") or a column of the
outer query ("pm.person_id"). The subqueries name their own tables with aliases no
outer query uses, so a column passed in is never shadowed.
"""


def programmes_of(person=":me"):
    """SELECT of the ids of the programmes `person` is in, in any role."""
    return f"SELECT inp.programme_id FROM programme_members inp WHERE inp.person_id = {person}"


def pairs_of(person=":me"):
    """SELECT of the ids of the pairs `person` is a member of."""
    return f"SELECT inpm.pair_id FROM pair_members inpm WHERE inpm.person_id = {person}"


# Who organises a programme: their programme_members row says so. The account's own role
# says nothing about a given programme (an organiser of one is no one in another).
ORGANISERS = "SELECT programme_id, person_id FROM programme_members WHERE role = 'organiser'"


def programmes_organised_by(person=":me"):
    """SELECT of the ids of the programmes `person` organises."""
    return f"SELECT programme_id FROM ({ORGANISERS}) WHERE person_id = {person}"


def organisers_of(programme):
    """SELECT of the ids of the people who organise `programme`."""
    return f"SELECT person_id FROM ({ORGANISERS}) WHERE programme_id = {programme}"


def people_organised_by(person=":me"):
    """SELECT of the ids of the people in the programmes `person` organises (them too)."""
    return (
        "SELECT opm.person_id FROM programme_members opm "
        f"WHERE opm.programme_id IN ({programmes_organised_by(person)})"
    )


def learning_sets_facilitated_by(person=":me"):
    """SELECT of the ids of the learning sets `person` facilitates."""
    return f"SELECT fs.id FROM learning_sets fs WHERE fs.facilitator_id = {person}"


def learning_sets_of_member(person=":me"):
    """SELECT of the ids of the learning sets `person` belongs to through their pair."""
    # A join, not "mp.id IN (pairs_of)": SQLite would scan every pair for that.
    return (
        "SELECT mp.learning_set_id FROM pairs mp "
        f"JOIN pair_members mpm ON mpm.pair_id = mp.id WHERE mpm.person_id = {person}"
    )


def members_of_learning_set(learning_set):
    """SELECT of the ids of the people in `learning_set` through their pairs (its
    participants; the facilitator is learning_sets.facilitator_id)."""
    return (
        "SELECT smm.person_id FROM pair_members smm JOIN pairs smp ON smp.id = smm.pair_id "
        f"WHERE smp.learning_set_id = {learning_set}"
    )


def learning_sets_of(person=":me"):
    """SELECT of the ids of the learning sets `person` facilitates or belongs to."""
    return f"{learning_sets_facilitated_by(person)} UNION {learning_sets_of_member(person)}"
