from django.urls import path

from anjian.training import views

urlpatterns = [
    path("training/", views.trainee_list, name="training-trainees"),
    path("training/trainees/new/", views.trainee_create, name="training-trainee-create"),
    path("training/trainees/<uuid:trainee_id>/", views.trainee_detail, name="training-trainee"),
    path("training/trainees/<uuid:trainee_id>/photo/", views.trainee_photo, name="training-trainee-photo"),
    path("training/courses/", views.course_list, name="training-courses"),
    path("training/courses/<int:course_id>/", views.course_detail, name="training-course"),
    path("training/compliance/", views.compliance, name="training-compliance"),
    path("training/questions/", views.question_list, name="training-questions"),
    path("training/questions/new/", views.question_create, name="training-question-create"),
    path("training/questions/import/", views.question_import, name="training-question-import"),
    path("training/questions/<int:question_id>/", views.question_detail, name="training-question"),
    path("training/papers/", views.paper_list, name="training-papers"),
    path("training/exams/", views.exam_list, name="training-exams"),
    path("training/exams/<int:exam_id>/", views.exam_detail, name="training-exam"),
    path(
        "training/exams/<int:exam_id>/candidates/<int:candidate_id>/practical/",
        views.candidate_practical,
        name="training-practical",
    ),
    path(
        "training/exams/<int:exam_id>/candidates/<int:candidate_id>/certificate/",
        views.certificate_issue,
        name="training-certificate-issue",
    ),
    path("training/certificates/", views.certificate_list, name="training-certificates"),
    path("training/certificates/due/", views.certificate_due, name="training-due"),
    path("training/certificates/<str:number>/", views.certificate_detail, name="training-certificate"),
    path("training/certificates/<str:number>/print/", views.certificate_print, name="training-certificate-print"),
    path(
        "training/certificates/<str:number>/pdf/",
        views.certificate_print,
        {"fmt": "pdf"},
        name="training-certificate-pdf",
    ),
    # Public, no login.
    path("verify/", views.certificate_verify, name="certificate-verify"),
    path("exam/", views.exam_sign_in, name="exam-sign-in"),
    path("exam/paper/", views.exam_paper, name="exam-paper"),
    path("exam/done/", views.exam_done, name="exam-done"),
    path("exam/sign-out/", views.exam_sign_out, name="exam-sign-out"),
]
