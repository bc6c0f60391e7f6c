using BackupPlatform.Hosting.Admin;
using BackupPlatform.Hosting.Http;

namespace BackupPlatform.Api;

/// <summary>
/// The admin tool's operations over HTTP, for administrators only: the message journal (list, show,
/// replay) and the RabbitMQ error queues (list, replay). Same library as the tool
/// (<see cref="MessageOperations"/>, <see cref="ErrorQueues"/>).
/// </summary>
public static class MessagesAdminApi
{
    public static void MapMessagesAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapProjectScope().MapGroup("/os-admin");
        admin.AddEndpointFilter(async (context, next) =>
            RequestIdentity.Of(context.HttpContext).IsAdmin
                ? await next(context)
                : CinderFault.Forbidden("Policy doesn't allow backup:admin_messages to be performed."));
        admin.MapGet("/messages", ListAsync);
        admin.MapGet("/messages/{message_id:guid}", ShowAsync);
        admin.MapPost("/messages/{message_id:guid}/replay", ReplayAsync);
        admin.MapGet("/errors", ListErrorsAsync);
        admin.MapPost("/errors/{queue}/replay", ReplayErrorsAsync);
    }

    private static async Task<IResult> ListAsync(
        MessageOperations messages, HttpContext http, Guid? backup_id, string? type, string? outcome, string? kind, DateTime? since, DateTime? until, int? limit)
    {
        var rows = await messages.ListAsync(
            new JournalQuery
            {
                BackupId = backup_id,
                MessageType = type,
                Outcome = outcome,
                Kind = kind,
                Since = since?.ToUniversalTime(),
                Until = until?.ToUniversalTime(),
                Limit = limit ?? 100,
            },
            http.RequestAborted);
        return Results.Json(new { messages = rows });
    }

    private static async Task<IResult> ShowAsync(Guid message_id, MessageOperations messages, HttpContext http)
    {
        var rows = await messages.ShowAsync(message_id, http.RequestAborted);
        return rows.Count == 0 ? CinderFault.NotFound($"The journal has no message {message_id}.") : Results.Json(new { journal = rows });
    }

    private static async Task<IResult> ReplayAsync(Guid message_id, MessageOperations messages, HttpContext http)
    {
        try
        {
            return Results.Json(new { replay = await messages.ReplayAsync(message_id, http.RequestAborted) }, statusCode: StatusCodes.Status202Accepted);
        }
        catch (MessageNotFoundException e)
        {
            return CinderFault.NotFound(e.Message);
        }
    }

    private static async Task<IResult> ListErrorsAsync(ErrorQueues queues, HttpContext http, string? queue, int? limit)
    {
        try
        {
            return Results.Json(new { errors = await queues.ListAsync(queue, limit ?? 100, http.RequestAborted) });
        }
        catch (InvalidOperationException e)
        {
            return CinderFault.BadRequest(e.Message);
        }
    }

    private static async Task<IResult> ReplayErrorsAsync(string queue, ErrorQueues queues, HttpContext http, string? message_id)
    {
        if (!queue.EndsWith("_error", StringComparison.Ordinal))
        {
            return CinderFault.BadRequest($"{queue} is not an error queue (queue_error).");
        }

        try
        {
            return Results.Json(new { replayed = await queues.ReplayAsync(queue, message_id, http.RequestAborted) }, statusCode: StatusCodes.Status202Accepted);
        }
        catch (InvalidOperationException e)
        {
            return CinderFault.BadRequest(e.Message);
        }
    }
}
