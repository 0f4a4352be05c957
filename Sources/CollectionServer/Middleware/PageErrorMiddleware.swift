import HTTPTypes
import Hummingbird
import ResponseStore

/// Turns every failure under the household pages into a page that says, in the household's
/// language, what happened and what to do, with the right status: never a stack trace, never
/// a blank page. Unexpected errors are logged (without answers or codes) and shown as a 500.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = CensusRequestContext
    let site: HouseholdSite

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PageError {
            return try page(for: error, request, context)
        } catch let error as StoreError {
            context.logger.error("store error", metadata: ["error": "\(error)"])
            return try page(for: .unavailable, request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return try page(for: .notFound, request, context)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return try page(for: .tooLarge, request, context)
        } catch let error as HTTPError where (400..<500).contains(error.status.code) {
            let lang = site.language(context)
            return try site.message(request, context, status: error.status, heading: UIText.badRequestHeading.text(lang),
                                    paragraphs: [error.body ?? error.status.reasonPhrase])
        } catch {
            context.logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))"])
            let lang = site.language(context)
            return try site.message(request, context, status: .internalServerError, heading: UIText.serverErrorHeading.text(lang),
                                    paragraphs: [UIText.serverErrorBody.text(lang)])
        }
    }

    func page(for error: PageError, _ request: Request, _ context: Context) throws -> Response {
        let lang = site.language(context)
        switch error {
        case .badForm(let reason):
            return try site.message(request, context, status: .badRequest, heading: UIText.badRequestHeading.text(lang), paragraphs: [reason])
        case .tooLarge:
            return try site.message(request, context, status: .contentTooLarge, heading: UIText.tooLargeHeading.text(lang),
                                    paragraphs: [UIText.tooLargeBody.text(lang, "\(site.configuration.maxBodyBytes / 1024) KB")])
        case .expiredForm:
            return try site.message(request, context, status: .forbidden, heading: UIText.cookiesNeededHeading.text(lang),
                                    paragraphs: [UIText.cookiesNeededBody.text(lang)], action: ("/sign-in", UIText.signInAgain.text(lang)))
        case .signedOut:
            if context.sessionExpired {
                // A post's answers arrived after the session ended: they were not saved.
                let body = request.method == .post ? UIText.sessionEndedUnsavedBody : UIText.sessionEndedBody
                return try site.message(request, context, status: .unauthorized, heading: UIText.sessionEndedHeading.text(lang),
                                        paragraphs: [body.text(lang)], action: ("/sign-in", UIText.signInAgain.text(lang)))
            }
            return HouseholdSite.redirect("/sign-in")
        case .sessionEnded:
            var response = try site.message(request, context, status: .unauthorized, heading: UIText.signedOutHeading.text(lang),
                                            paragraphs: [UIText.signedOutBody.text(lang)], action: ("/sign-in", UIText.signInAgain.text(lang)))
            site.sessions.clear(on: &response, secure: context.isSecure)
            return response
        case .unavailable:
            return try site.message(request, context, status: .serviceUnavailable, heading: UIText.unavailableHeading.text(lang),
                                    paragraphs: [UIText.unavailableBody.text(lang)])
        case .notFound:
            return try site.message(request, context, status: .notFound, heading: UIText.notFoundHeading.text(lang),
                                    paragraphs: [UIText.notFoundBody.text(lang)], action: ("/form", UIText.continueButton.text(lang)))
        case .alreadySubmitted:
            if request.method == .get || request.method == .head { return HouseholdSite.redirect("/form/done") }
            return try site.message(request, context, status: .conflict, heading: UIText.alreadySubmittedHeading.text(lang),
                                    paragraphs: [UIText.alreadySubmittedShort.text(lang)], action: ("/form/done", UIText.continueButton.text(lang)))
        case .refused(let reason):
            return try site.message(request, context, status: .unprocessableContent, heading: UIText.badRequestHeading.text(lang), paragraphs: [reason])
        }
    }
}
