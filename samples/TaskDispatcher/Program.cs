System.Console.WriteLine("TaskDispatcher: to be written");
