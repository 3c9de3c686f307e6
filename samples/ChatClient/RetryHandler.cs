namespace ChatClient;

/// <summary>Retries failed requests. One handler serves every request of its HttpClient, so SendAsync runs many times at once.</summary>
public sealed class RetryHandler : DelegatingHandler
{
    private readonly Dictionary<string, int> _lastFailedAttempt = new();
    private int _successCount;
    private int _consecutiveFailures;

    public RetryHandler(HttpMessageHandler inner) : base(inner)
    {
    }

    public int SuccessCount => _successCount;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode || attempt == 3)
            {
                _successCount++;
                return response;
            }

            _consecutiveFailures++;
            _lastFailedAttempt[request.RequestUri?.Host ?? ""] = attempt;
        }
    }
}
