import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';

/** Boots a Nest app (express adapter, logger off) on an ephemeral loopback port. */
export async function listenNest(rootModule: Type): Promise<{ app: INestApplication; port: number }> {
  const app = await NestFactory.create(rootModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, port };
}
