import HTTPTypes
import Hummingbird
import ResponseStore

/// Turns every failure under `/staff` into a staff page with the right status: a request
/// without a signed-in member goes to the sign-in page (401 for a post), a member whose role
/// does not allow the page gets 403 (hummingbird-auth's `AuthorizationPolicyMiddleware`
/// throws it), and unexpected errors are logged and shown as a 500, never a stack trace.
struct StaffErrorMiddleware: RouterMiddleware {
    typealias Context = StaffRequestContext
    let site: StaffSite

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let reason = site.unavailableReason {
            context.logger.error("staff pages unavailable", metadata: ["reason": "\(reason)"])
            return try site.message(context, status: .serviceUnavailable, heading: "Staff sign-in is unavailable",
                                    paragraphs: ["The staff accounts or the audit log cannot be opened. Tell the census service desk.", reason])
        }
        do {
            return try await next(request, context)
        } catch let error as StaffPageError {
            return try page(for: error, request, context)
        } catch let error as StoreError {
            context.logger.error("store error", metadata: ["error": "\(error)"])
            return try page(for: .unavailable("The response store cannot be reached."), request, context)
        } catch let error as HTTPError where error.status == .unauthorized {
            return try page(for: .signedOut, request, context)
        } catch let error as HTTPError where error.status == .forbidden {
            return try site.message(context, status: .forbidden, heading: "You cannot use this page",
                                    paragraphs: ["Your role does not allow this page. Ask a supervisor if you need it."],
                                    action: ("/staff", "Go to your staff home page"))
        } catch let error as HTTPError where error.status == .notFound {
            return try page(for: .notFound("There is no staff page at this address."), request, context)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return try page(for: .tooLarge, request, context)
        } catch let error as HTTPError where (400..<500).contains(error.status.code) {
            return try site.message(context, status: error.status, heading: "There is a problem with the request",
                                    paragraphs: [error.body ?? error.status.reasonPhrase])
        } catch {
            context.logger.error("unexpected error on a staff page", metadata: ["error.type": "\(type(of: error))"])
            return try site.message(context, status: .internalServerError, heading: "Sorry, there is a problem with the service",
                                    paragraphs: ["Try again later. Nothing you had saved is lost."])
        }
    }

    func page(for error: StaffPageError, _ request: Request, _ context: Context) throws -> Response {
        switch error {
        case .badForm(let reason):
            return try site.message(context, status: .badRequest, heading: "There is a problem with the request", paragraphs: [reason])
        case .tooLarge:
            return try site.message(context, status: .contentTooLarge, heading: "The form is too large",
                                    paragraphs: ["A form of at most \(site.configuration.maxBodyBytes / 1024) KB is accepted."])
        case .expiredForm:
            return try site.message(context, status: .forbidden, heading: "This page has expired",
                                    paragraphs: ["The form was older than your session, or cookies are off. Nothing was changed. Open the page again."],
                                    action: ("/staff", "Go to your staff home page"))
        case .signedOut:
            if request.method == .get || request.method == .head {
                return StaffSite.redirect("/staff/sign-in")
            }
            return try site.message(context, status: .unauthorized, heading: "You are signed out",
                                    paragraphs: ["Your session ended. Nothing was changed. Sign in again."], action: ("/staff/sign-in", "Sign in"))
        case .unavailable(let reason):
            context.logger.error("staff page unavailable", metadata: ["reason": "\(reason)"])
            return try site.message(context, status: .serviceUnavailable, heading: "Sorry, the service is unavailable",
                                    paragraphs: ["Nothing was changed. Try again in a few minutes.", reason])
        case .notFound(let what):
            return try site.message(context, status: .notFound, heading: "Not found", paragraphs: [what], action: ("/staff", "Go to your staff home page"))
        case .refused(let reason):
            return try site.message(context, status: .unprocessableContent, heading: "This cannot be done", paragraphs: [reason])
        }
    }
}
