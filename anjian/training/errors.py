"""Error codes of training and assessment, shared by pages and API."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "trainee_exists": _("A person with this ID number is already registered."),
    "name_required": _("Give the person's name."),
    "employer_unknown": _("There is no production unit with this id in your jurisdiction."),
    "education_unknown": _("Education is one of primary, junior_middle, senior_high or college."),
    "not_a_trainer": _("Only trainers of a bureau or a training institution manage training."),
    "operation_item_unknown": _("There is no special operation item %(item)s."),
    "operation_item_only_special": _("Only a course for special operators names an operation item."),
    "hours_invalid": _("Hours are more than 0 and at most %(max)s."),
    "session_dates_invalid": _("A session ends on or after the day it starts."),
    "attendance_hours_exceed": _("%(name)s cannot be credited more hours than the session gives (%(hours)s)."),
    "attendance_before_session": _("Attendance is recorded once the session has started."),
    "question_kind_unknown": _("A question is single choice, multiple choice, true or false, or a practical task."),
    "question_text_required": _("Give the question's text in Chinese, in Tibetan or in both."),
    "question_sheet_required": _("A practical task needs its scoring sheet."),
    "question_sheet_invalid": _("Each line of a scoring sheet has its own key, a label and a maximum score."),
    "question_sheet_total": _("The maxima of a scoring sheet add up to 100."),
    "question_answer_invalid": _(
        "The answer does not fit the question: one option for single choice, two or more for multiple choice, "
        "true or false for a true-or-false question."
    ),
    "question_options_count": _("Single choice has 2 to 8 options, multiple choice 3 to 8."),
    "question_option_empty": _("An option has no text."),
    "difficulty_invalid": _("Difficulty is 1 (easiest) to 5 (hardest)."),
    "question_not_yours": _("Only trainers of the organisation that keeps this question change it."),
    "paper_rule_empty": _("A paper rule needs at least one line."),
    "paper_rule_invalid": _("Each line of a paper rule draws at least one objective question for more than 0 points."),
    "paper_rule_total": _("The lines of a paper rule must add up to 100 points."),
    "paper_pool_too_small": _(
        "Line %(line)s asks for %(count)s questions but the bank holds %(available)s that fit: add questions or "
        "loosen the line."
    ),
    "exam_window_invalid": _("An exam closes after it opens."),
    "candidate_exists": _("This person is already admitted to this exam."),
    "already_passed": _("This person has already passed this exam."),
    "retake_used": _(
        "This person has failed the exam and its one retake: they must train again and apply anew (Order 30)."
    ),
    "ticket_invalid": _("The admission ticket or the access code is not correct."),
    "attempt_finished": _("Your exam has been submitted; it cannot be started again."),
    "exam_not_open": _("The exam opens at %(at)s."),
    "exam_closed": _("The exam has closed."),
    "question_not_on_paper": _("This question is not on your paper."),
    "answer_invalid": _("The answer names options that are not on this question."),
    "attempt_closed": _("The time is up: the exam was submitted as it stood at the end, and nothing more is accepted."),
    "attempt_already_submitted": _("The exam has already been submitted."),
    "exam_has_no_practical": _("This exam has no practical task to score."),
    "practical_already_scored": _("The practical task has already been scored and the result decided."),
    "sheet_incomplete": _("Score every line of the scoring sheet."),
    "sheet_score_out_of_range": _("A line's score lies between 0 and its maximum."),
    "practical_not_practical": _("The practical task must be a practical question of the bank."),
    "certificate_needs_pass": _("A certificate is issued after both parts of the exam are passed."),
    "pass_expired": _("The pass is more than 12 months old: the certificate can no longer be issued on it."),
    "certificate_needs_item": _("The exam's paper names no special operation item."),
    "certificate_exists": _("A certificate has already been issued for this exam."),
    "review_not_yet": _("A review is applied for within 60 days before its due date: the window opens on %(opens)s."),
    "review_too_late": _(
        "The review was due on %(due)s: the certificate is void, and its holder trains and sits the exam anew."
    ),
    "certificate_revoked": _("The certificate has been revoked."),
    "certificate_suspended": _("The certificate is suspended."),
    "certificate_not_suspended": _("The certificate is not suspended."),
    "certificate_expired": _("The certificate has expired."),
    "certificate_void": _("The certificate is void after a failed review."),
    "violations_invalid": _("Violations are a whole number from 0."),
    "reason_required": _("Give the reason."),
    "reason_too_long": _("The reason is at most %(max)s characters."),
    "review_unfit": _("Not fit for the work."),
    "review_violations": _("Two or more violations, or a serious one, since the last review."),
    "review_penalised": _("Penalised for a violation."),
    "review_refused_inspection": _("Refused inspection."),
    "review_training_missing": _("Less than 8 hours of review training."),
    "review_exam_failed": _("Failed the review exam."),
    "trainee_unknown_line": _("Line %(line)s: no trainee in your jurisdiction has this ID number."),
    "candidate_undecided": _(
        "This person is admitted to another exam of this operation whose result is not decided yet: one sitting at a "
        "time."
    ),
    "ticket_unavailable": _("No free admission ticket number could be drawn: try again."),
    "too_young": _("%(name)s is under 18: special operations are for people from 18 (Order 30)."),
    "retirement_age": _("%(name)s is past retirement age: special operations end there (Order 30)."),
    "education_insufficient": _(
        "%(name)s lacks the schooling this operation needs (junior middle school; senior high for hazardous "
        "chemicals; Order 30): record the person's education."
    ),
    "proctor_unknown": _("No active person of your organisation has the username %(names)s."),
}
