/// The service's own words, in English and Welsh: buttons, headings and messages of the
/// pages around the form. The form's own wording (questions, options, hints, check
/// messages, titles) comes from the compiled schema, never from here.
///
/// Placeholders are `{0}`, `{1}`, … filled by ``text(_:_:)``.
enum UIText: String, CaseIterable {
    case serviceName
    case skipToContent
    case languageSwitch
    case languageSwitchLabel
    case signOut
    case back
    case continueButton
    case saveAndContinue
    case errorTitlePrefix
    case errorSummaryTitle
    case warningTitle
    case startHeading
    case startBody
    case startNow
    case startTime
    case signInHeading
    case accessCodeLabel
    case accessCodeHint
    case signInButton
    case accessCodeMissing
    case accessCodeWrong
    case lockedOutClient
    case lockedOutHousehold
    case languageHeading
    case languageEnglish
    case languageWelsh
    case languageChoose
    case sessionEndedHeading
    case sessionEndedBody
    case sessionEndedUnsavedBody
    case signInAgain
    case cookiesNeededHeading
    case cookiesNeededBody
    case signedOutHeading
    case signedOutBody
    case notFoundHeading
    case notFoundBody
    case badRequestHeading
    /// A method the page does not take (405): rare, since browsers send only GET and POST.
    case methodNotAllowedHeading
    /// `{0}`: the methods the page takes, as in `Allow` ("GET, HEAD, POST").
    case methodNotAllowedBody
    case tooLargeHeading
    case tooLargeBody
    case serverErrorHeading
    case serverErrorBody
    case unavailableHeading
    case unavailableBody
    case alreadySubmittedHeading
    case alreadySubmittedBody
    case alreadySubmittedShort
    case minutes
    /// One second: "1 second" (`seconds` for any other count).
    case second
    case seconds
    case enterWholeNumber
    case enterNumber
    case enterRealDate
    case enterCompleteDate
    case enterRealMonth
    case enterCompleteMonth
    case day
    case month
    case year
    case addressLine1
    case addressLine2
    case addressLine3
    case addressLine4
    case town
    case postcode
    case country
    case or
    case selectAllThatApply
    case voluntaryQuestion
    case formPage
    case answersSaved
    case badFormType
    case badFormEncoding
    case unreadableBody
    case badLanguage
    case badAction
    case tooManyMembers
    case memberNotFound
    case listHeadingEmpty
    case listNobody
    case addPerson
    case addAnotherPerson
    case change
    case remove
    case removeHeading
    case removeYes
    case removeNo
    case personN
    case maxMembersReached
    case relationshipsHeading
    case relationshipsUnrelated
    case confirmYes
    case confirmNo
    case confirmChooseOne
    case checkAnswersHeading
    case checkAnswersIntro
    case notAnswered
    case submitHeading
    case submitBody
    case submitButton
    case confirmationNeeded
    case doneHeading
    case doneReference
    case doneBody
    case doneWhen
    case enterAddressLine
    case yes
    case no
    case householdSection
    case monthNames
    case textOrNone
    case chooseOneOption
    case chooseYesOrNo
    case separatelyLink
    case separatelyHeading
    case separatelyBody
    case separatelyPrivacy
    case separatelyButton
    case separatelyDoneHeading
    case separatelyDoneBody
    case separatelyRow

    /// The text in `language` (Welsh for `cy`, English otherwise), with `{n}` placeholders filled.
    func text(_ language: String, _ args: String...) -> String {
        let (en, cy) = Self.table[self] ?? (rawValue, rawValue)
        let template = language == "cy" ? cy : en
        guard !args.isEmpty, template.utf8.contains(UInt8(ascii: "{")) else { return template }
        // `{0}`, `{1}`, … by the arguments, in one pass over the text: only its own placeholders
        // are filled, so a name typed as "{1}" shows as typed (one `replacingOccurrences` per
        // argument would fill placeholders inside earlier arguments, once a text has two).
        // Foundation has no positional fill of `{n}` to call instead.
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let n = Int(after[..<close]), args.indices.contains(n) {
                out += args[n]
                rest = after[after.index(after: close)...]
            } else {
                out += "{"
                rest = after
            }
        }
        return out + rest
    }

    static let table: [UIText: (en: String, cy: String)] = [
        .serviceName: ("Census 2021", "Cyfrifiad 2021"),
        .skipToContent: ("Skip to main content", "Neidio i'r prif gynnwys"),
        .languageSwitch: ("Cymraeg", "English"),
        .languageSwitchLabel: ("Newid i'r Gymraeg", "Change to English"),
        .signOut: ("Save and sign out", "Cadw ac allgofnodi"),
        .back: ("Back", "Yn ôl"),
        .continueButton: ("Continue", "Parhau"),
        .saveAndContinue: ("Save and continue", "Cadw a pharhau"),
        .errorTitlePrefix: ("Error: ", "Gwall: "),
        .errorSummaryTitle: ("There is a problem", "Mae problem"),
        .warningTitle: ("Check this answer", "Gwiriwch yr ateb hwn"),
        .startHeading: ("Complete your census online", "Llenwch eich cyfrifiad ar-lein"),
        .startBody: ("You need the 16-character access code from the letter sent to your address. Your answers are saved as you go: you can stop and carry on later, on this device or another.",
                     "Mae angen y cod mynediad 16 nod o'r llythyr a anfonwyd i'ch cyfeiriad. Caiff eich atebion eu cadw wrth i chi fynd: gallwch stopio a pharhau yn nes ymlaen, ar y ddyfais hon neu un arall."),
        .startNow: ("Start now", "Dechrau nawr"),
        .startTime: ("It takes about 10 minutes for each person in your household.", "Mae'n cymryd tua 10 munud i bob person yn eich aelwyd."),
        .signInHeading: ("Enter your access code", "Rhowch eich cod mynediad"),
        .accessCodeLabel: ("Access code", "Cod mynediad"),
        .accessCodeHint: ("The 16 letters and numbers on your letter, for example K7QZ 3XBM PT9D HC2R. Capital letters, spaces and dashes do not matter.",
                          "Yr 16 llythyren a rhif ar eich llythyr, er enghraifft K7QZ 3XBM PT9D HC2R. Nid yw priflythrennau, bylchau na llinellau toriad yn bwysig."),
        .signInButton: ("Sign in", "Mewngofnodi"),
        .accessCodeMissing: ("Enter the access code from your letter", "Rhowch y cod mynediad o'ch llythyr"),
        .accessCodeWrong: ("This access code does not work. Check it against your letter (it has 16 letters and numbers) and enter it again, or use the code on your most recent letter.",
                           "Nid yw'r cod mynediad hwn yn gweithio. Gwiriwch ef yn erbyn eich llythyr (mae ganddo 16 llythyren a rhif) a'i roi eto, neu defnyddiwch y cod ar eich llythyr diweddaraf."),
        .lockedOutClient: ("Too many access codes have been tried from this device. For your security, wait {0} and try again.",
                           "Rhoddwyd cynnig ar ormod o godau mynediad o'r ddyfais hon. Er eich diogelwch, arhoswch {0} a rhowch gynnig arall arni."),
        .lockedOutHousehold: ("This household's access code has been used to sign in too many times in a short while. For your security, wait {0} and try again.",
                              "Mae cod mynediad yr aelwyd hon wedi'i ddefnyddio i fewngofnodi ormod o weithiau mewn cyfnod byr. Er eich diogelwch, arhoswch {0} a rhowch gynnig arall arni."),
        .languageHeading: ("Which language would you like to use?", "Pa iaith hoffech chi ei defnyddio?"),
        .languageEnglish: ("English", "Saesneg"),
        .languageWelsh: ("Welsh (Cymraeg)", "Cymraeg"),
        .languageChoose: ("You can change this on any page.", "Gallwch newid hyn ar unrhyw dudalen."),
        .sessionEndedHeading: ("Your session has ended", "Mae eich sesiwn wedi dod i ben"),
        .sessionEndedBody: ("You were signed out after 45 minutes without any activity. Your answers have been saved. Enter your access code to carry on where you left off.",
                            "Cawsoch eich allgofnodi ar ôl 45 munud heb unrhyw weithgarwch. Mae eich atebion wedi'u cadw. Rhowch eich cod mynediad i barhau o'r man lle gwnaethoch adael."),
        .sessionEndedUnsavedBody: ("You were signed out after 45 minutes without any activity, so the answers on the page you sent were not saved. Your earlier answers have been saved. Enter your access code to carry on where you left off.",
                                   "Cawsoch eich allgofnodi ar ôl 45 munud heb unrhyw weithgarwch, felly ni chafodd yr atebion ar y dudalen a anfonwyd gennych eu cadw. Mae eich atebion cynharach wedi'u cadw. Rhowch eich cod mynediad i barhau o'r man lle gwnaethoch adael."),
        .signInAgain: ("Sign in again", "Mewngofnodi eto"),
        .cookiesNeededHeading: ("This page has expired", "Mae'r dudalen hon wedi dod i ben"),
        .cookiesNeededBody: ("The form was sent without its security token, or from a page that had expired. Your browser must allow cookies for this site. Go back, reload the page and try again.",
                             "Anfonwyd y ffurflen heb ei thocyn diogelwch, neu o dudalen a oedd wedi dod i ben. Rhaid i'ch porwr ganiatáu cwcis ar gyfer y wefan hon. Ewch yn ôl, ail-lwythwch y dudalen a rhowch gynnig arall arni."),
        .signedOutHeading: ("You have signed out", "Rydych wedi allgofnodi"),
        .signedOutBody: ("Your answers have been saved. To carry on, sign in again with the access code from your letter.",
                         "Mae eich atebion wedi'u cadw. I barhau, mewngofnodwch eto gyda'r cod mynediad o'ch llythyr."),
        .notFoundHeading: ("Page not found", "Heb ddod o hyd i'r dudalen"),
        .notFoundBody: ("If you typed the web address, check it is correct.", "Os gwnaethoch deipio'r cyfeiriad gwe, gwiriwch ei fod yn gywir."),
        .badRequestHeading: ("Sorry, the form could not be read", "Mae'n ddrwg gennym, nid oedd modd darllen y ffurflen"),
        // The Welsh of these two is ours, not yet checked by a Welsh translator.
        .methodNotAllowedHeading: ("This page cannot be used that way", "Nid oes modd defnyddio'r dudalen hon yn y ffordd honno"),
        .methodNotAllowedBody: ("It takes {0} requests. Nothing was saved.", "Mae'n derbyn ceisiadau {0}. Ni chadwyd dim."),
        .tooLargeHeading: ("Too much was sent", "Anfonwyd gormod"),
        .tooLargeBody: ("The page sent more than {0} of answers, which is more than any page of the census needs. Nothing was saved.",
                        "Anfonodd y dudalen fwy na {0} o atebion, sy'n fwy nag sydd ei angen ar unrhyw dudalen o'r cyfrifiad. Ni chadwyd dim."),
        .serverErrorHeading: ("Sorry, there is a problem with the service", "Mae'n ddrwg gennym, mae problem gyda'r gwasanaeth"),
        .serverErrorBody: ("Your answers up to the last page you saved are safe. Try again later.",
                           "Mae eich atebion hyd at y dudalen olaf a gadwyd gennych yn ddiogel. Rhowch gynnig arall arni yn nes ymlaen."),
        .unavailableHeading: ("Sorry, the service is unavailable for your household", "Mae'n ddrwg gennym, nid yw'r gwasanaeth ar gael i'ch aelwyd"),
        .unavailableBody: ("Your answers cannot be saved at the moment. Nothing you have already saved is lost. Try again later.",
                           "Nid oes modd cadw eich atebion ar hyn o bryd. Nid oes dim a gadwyd gennych eisoes wedi'i golli. Rhowch gynnig arall arni yn nes ymlaen."),
        .alreadySubmittedHeading: ("Your census has been submitted", "Mae eich cyfrifiad wedi'i gyflwyno"),
        .alreadySubmittedBody: ("This household's census was submitted on {0}. For your privacy, the answers cannot be viewed or changed online after submission.",
                                "Cyflwynwyd cyfrifiad yr aelwyd hon ar {0}. Er mwyn diogelu eich preifatrwydd, nid oes modd gweld na newid yr atebion ar-lein ar ôl eu cyflwyno."),
        .alreadySubmittedShort: ("This household's census has been submitted. For your privacy, its answers cannot be viewed or changed online any more; nothing was changed.",
                                 "Mae cyfrifiad yr aelwyd hon wedi'i gyflwyno. Er mwyn diogelu eich preifatrwydd, nid oes modd gweld na newid ei atebion ar-lein mwyach; ni newidiwyd dim."),
        .minutes: ("{0} minutes", "{0} munud"),
        .second: ("{0} second", "{0} eiliad"),
        .seconds: ("{0} seconds", "{0} eiliad"),
        .enterWholeNumber: ("Enter a whole number, for example 3", "Rhowch rif cyfan, er enghraifft 3"),
        .enterNumber: ("Enter a number, for example 2.5", "Rhowch rif, er enghraifft 2.5"),
        .enterRealDate: ("Enter a real date, with the day, month and year as numbers", "Rhowch ddyddiad go iawn, gyda'r diwrnod, y mis a'r flwyddyn fel rhifau"),
        .enterCompleteDate: ("Enter the day, the month and the year", "Rhowch y diwrnod, y mis a'r flwyddyn"),
        .enterRealMonth: ("Enter a real month and year, as numbers", "Rhowch fis a blwyddyn go iawn, fel rhifau"),
        .enterCompleteMonth: ("Enter the month and the year", "Rhowch y mis a'r flwyddyn"),
        .day: ("Day", "Diwrnod"),
        .month: ("Month", "Mis"),
        .year: ("Year", "Blwyddyn"),
        .addressLine1: ("Address line 1", "Llinell cyfeiriad 1"),
        .addressLine2: ("Address line 2 (optional)", "Llinell cyfeiriad 2 (dewisol)"),
        .addressLine3: ("Address line 3 (optional)", "Llinell cyfeiriad 3 (dewisol)"),
        .addressLine4: ("Address line 4 (optional)", "Llinell cyfeiriad 4 (dewisol)"),
        .town: ("Town or city", "Tref neu ddinas"),
        .postcode: ("Postcode", "Cod post"),
        .country: ("Country", "Gwlad"),
        .or: ("or", "neu"),
        .selectAllThatApply: ("Select all that apply", "Dewiswch bob un sy'n berthnasol"),
        .voluntaryQuestion: ("This question is voluntary", "Mae'r cwestiwn hwn yn wirfoddol"),
        .formPage: ("Census questions", "Cwestiynau'r cyfrifiad"),
        .answersSaved: ("Your answers are saved as you go.", "Caiff eich atebion eu cadw wrth i chi fynd."),
        .badFormType: ("The page was sent in a way this service does not accept: send it from the census pages (a form of type application/x-www-form-urlencoded).",
                       "Anfonwyd y dudalen mewn ffordd nad yw'r gwasanaeth hwn yn ei derbyn: anfonwch hi o dudalennau'r cyfrifiad (ffurflen o fath application/x-www-form-urlencoded)."),
        .badFormEncoding: ("The page's answers could not be read (the form data is not valid URL encoding, or has too many fields). Nothing was saved.",
                           "Nid oedd modd darllen atebion y dudalen (nid yw data'r ffurflen yn amgodiad URL dilys, neu mae ganddo ormod o feysydd). Ni chadwyd dim."),
        // Not yet checked by a Welsh translator. Its words are those ONS's own Census 2021 Welsh
        // uses (eq-questionnaire-runner, translations/cy: cyrraedd, porwr, anfon ... eto, tudalen)
        // and its grammar that of badFormType above; "yn gyfan" for "whole" is ours.
        .unreadableBody: ("The page's answers did not arrive whole (the connection broke, or they were sent in a way no browser sends). Nothing was saved; go back and send the page again.",
                          "Ni chyrhaeddodd atebion y dudalen yn gyfan (torrodd y cysylltiad, neu fe'u hanfonwyd mewn ffordd nad yw porwr yn ei defnyddio). Ni chadwyd dim; ewch yn ôl ac anfonwch y dudalen eto."),
        .badLanguage: ("Choose one of the languages offered ({0}).", "Dewiswch un o'r ieithoedd a gynigir ({0})."),
        .badAction: ("The button pressed is not one this page has. Nothing was saved.", "Nid yw'r botwm a bwyswyd yn un sydd ar y dudalen hon. Ni chadwyd dim."),
        .tooManyMembers: ("This list can hold at most {0} people; nobody more can be added. Nothing was saved.",
                          "Gall y rhestr hon gynnwys {0} o bobl ar y mwyaf; ni ellir ychwanegu neb arall. Ni chadwyd dim."),
        .memberNotFound: ("This person is not (or no longer) in the list.", "Nid yw'r person hwn yn y rhestr (mwyach)."),
        .listHeadingEmpty: ("{0}", "{0}"),
        .listNobody: ("Nobody has been added yet.", "Does neb wedi'i ychwanegu eto."),
        .addPerson: ("Add a person", "Ychwanegu person"),
        .addAnotherPerson: ("Add another person", "Ychwanegu person arall"),
        .change: ("Change", "Newid"),
        .remove: ("Remove", "Dileu"),
        .removeHeading: ("Are you sure you want to remove {0}?", "Ydych chi'n siŵr eich bod am ddileu {0}?"),
        .removeYes: ("Yes, remove {0}", "Ydw, dileu {0}"),
        .removeNo: ("No, keep {0}", "Nac ydw, cadw {0}"),
        .personN: ("Person {0}", "Person {0}"),
        .maxMembersReached: ("You have added the most people this list can hold ({0}).", "Rydych wedi ychwanegu'r nifer fwyaf o bobl y gall y rhestr hon eu cynnwys ({0})."),
        .relationshipsHeading: ("How is {0} related to the other people?", "Sut mae {0} yn perthyn i'r bobl eraill?"),
        .relationshipsUnrelated: ("{0} is not related to any of these people", "Nid yw {0} yn perthyn i unrhyw un o'r bobl hyn"),
        .confirmYes: ("Yes, this is correct", "Ydy, mae hyn yn gywir"),
        .confirmNo: ("No, I need to change it", "Nac ydy, mae angen i mi ei newid"),
        .confirmChooseOne: ("Select whether this is correct", "Dewiswch a yw hyn yn gywir"),
        .checkAnswersHeading: ("Check your answers", "Gwiriwch eich atebion"),
        .checkAnswersIntro: ("Check the answers for everyone in your household before you submit. You can change any answer.",
                             "Gwiriwch yr atebion ar gyfer pawb yn eich aelwyd cyn i chi gyflwyno. Gallwch newid unrhyw ateb."),
        .notAnswered: ("Not answered", "Heb ei ateb"),
        .submitHeading: ("Now submit your census", "Nawr cyflwynwch eich cyfrifiad"),
        .submitBody: ("By submitting you confirm that, to the best of your knowledge, the answers are correct. After you submit you cannot view or change them online.",
                      "Drwy gyflwyno rydych yn cadarnhau bod yr atebion, hyd eithaf eich gwybodaeth, yn gywir. Ar ôl i chi gyflwyno ni allwch eu gweld na'u newid ar-lein."),
        .submitButton: ("Submit census", "Cyflwyno'r cyfrifiad"),
        .confirmationNeeded: ("Confirm this answer: {0}", "Cadarnhewch yr ateb hwn: {0}"),
        .doneHeading: ("Census submitted", "Cyfrifiad wedi'i gyflwyno"),
        .doneReference: ("Your receipt reference is", "Eich cyfeirnod derbynneb yw"),
        .doneBody: ("Thank you for completing your census. Keep the receipt reference in case you contact us.",
                    "Diolch am lenwi eich cyfrifiad. Cadwch y cyfeirnod derbynneb rhag ofn i chi gysylltu â ni."),
        .doneWhen: ("Received {0}.", "Derbyniwyd {0}."),
        .enterAddressLine: ("Enter the first line of the address", "Rhowch linell gyntaf y cyfeiriad"),
        .yes: ("Yes", "Ydw"),
        .no: ("No", "Nac ydw"),
        .householdSection: ("Household", "Aelwyd"),
        .chooseYesOrNo: ("Select yes or no: {0}", "Dewiswch ydw neu nac ydw: {0}"),
        .textOrNone: ("Either type an answer or tick the box, not both", "Naill ai teipiwch ateb neu ticiwch y blwch, nid y ddau"),
        // Not yet checked by a Welsh translator; ONS's Census 2021 Welsh has "Dewiswch opsiwn"
        // for "Select an option" (eq-questionnaire-runner, translations/cy).
        .chooseOneOption: ("Select one option only", "Dewiswch un opsiwn yn unig"),
        .monthNames: ("January February March April May June July August September October November December",
                      "Ionawr Chwefror Mawrth Ebrill Mai Mehefin Gorffennaf Awst Medi Hydref Tachwedd Rhagfyr"),
        .separatelyLink: ("{0} would like to answer separately", "Hoffai {0} ateb ar wahân"),
        .separatelyHeading: ("{0} can answer separately", "Gall {0} ateb ar wahân"),
        .separatelyBody: ("If {0} would prefer to answer their own questions privately, we will post an individual access code to them at this address.",
                          "Os yw'n well gan {0} ateb eu cwestiynau eu hunain yn breifat, byddwn yn anfon cod mynediad unigol atynt drwy'r post i'r cyfeiriad hwn."),
        .separatelyPrivacy: ("Their questions will then be left out of this form, and nobody in the household will see their answers.",
                             "Bydd eu cwestiynau wedyn yn cael eu gadael allan o'r ffurflen hon, ac ni fydd neb yn yr aelwyd yn gweld eu hatebion."),
        .separatelyButton: ("Send {0} an individual access code", "Anfon cod mynediad unigol at {0}"),
        .separatelyDoneHeading: ("{0} will answer separately", "Bydd {0} yn ateb ar wahân"),
        .separatelyDoneBody: ("An individual access code will be posted to {0} at this address. You do not need to answer their questions in this form.",
                              "Bydd cod mynediad unigol yn cael ei anfon at {0} i'r cyfeiriad hwn. Nid oes angen i chi ateb eu cwestiynau yn y ffurflen hon."),
        .separatelyRow: ("Will answer separately, with their own access code", "Bydd yn ateb ar wahân, gyda'u cod mynediad eu hunain"),
    ]
}
