"""Administration pages (admins; the dispatch catalogue also for the center's leaders): users,
departments, parameters, the working-day calendar, the dispatch catalogue and their audit."""
