from complaints_shared.mail_threads import case_id_from_message_ids, case_id_from_subject, case_message_id, subject_with_tag


def test_a_reply_to_our_message_names_the_case():
    ours = case_message_id("3f2a-77", "ack-1", mail_domain="complaints.example.com")
    assert ours == "<case.3f2a-77.ack-1@complaints.example.com>"
    assert case_id_from_message_ids(["<CAF=xyz@mail.gmail.com>", ours], mail_domain="complaints.example.com") == "3f2a-77"


def test_message_ids_of_other_domains_or_shapes_name_no_case():
    assert case_id_from_message_ids(["<case.3f2a.ack@elsewhere.org>"], mail_domain="complaints.example.com") is None
    assert case_id_from_message_ids(["<random@host>", ""]) is None


def test_the_subject_tag_is_added_once_and_read_back():
    tagged = subject_with_tag("3f2a-77", "Re: your kettle")
    assert tagged == "Re: your kettle [Case 3f2a-77]"
    assert subject_with_tag("3f2a-77", tagged) == tagged
    assert case_id_from_subject("RE: RE: your kettle [case 3f2a-77]") == "3f2a-77"
    assert case_id_from_subject("no tag here") is None
